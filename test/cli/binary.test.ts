/**
 * The built binary, spawned as users run it: exit codes and output streams.
 * Needs `npm run build` (npm test does it first).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = resolve(import.meta.dirname, '../../bin/loom-plugin.js');

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/loom-plugin.js', () => {
  it('prints the version and exits 0', () => {
    const result = cli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("turns on Node's compile cache where the runtime has one (Node 22.1+), and runs without it", () => {
    // A stand-in for module.enableCompileCache, installed before the binary starts.
    const stub = `data:text/javascript,${encodeURIComponent('import m from "node:module"; m.enableCompileCache = () => process.stderr.write("compile cache on\\n");')}`;
    const withCache = spawnSync(process.execPath, ['--import', stub, bin, '--version'], { encoding: 'utf8', env: { PATH: process.env.PATH }, timeout: 20_000 });
    expect(withCache.status).toBe(0);
    expect(withCache.stderr).toBe('compile cache on\n');
    const without = `data:text/javascript,${encodeURIComponent('import m from "node:module"; delete m.enableCompileCache;')}`;
    const plain = spawnSync(process.execPath, ['--import', without, bin, '--version'], { encoding: 'utf8', env: { PATH: process.env.PATH }, timeout: 20_000 });
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 on an unknown command, with no stack trace', () => {
    const result = cli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command "frobnicate".');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on a bad flag value with a sentence and a hint', () => {
    const result = cli(['test', '--startup-timeout', 'never']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--startup-timeout must be a duration');
    expect(result.stderr).toContain('Hint:');
  });

  it('refuses a --timeout no timer can hold, before Node warns about it', () => {
    const result = cli(['test', '--timeout', '99999999999999999999']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--timeout must be at most 86400s (24 hours)');
    expect(result.stderr).not.toContain('TimeoutOverflowWarning');
  });

  it('a glob of many stars is matched in linear time (a RegExp of it backtracked for hours)', () => {
    const started = Date.now();
    const result = spawnSync(process.execPath, [bin, 'test', '--list', '--only', `${'*'.repeat(30)}zzz,${'*x'.repeat(60)}`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
      timeout: 10_000,
      // The CLI catches SIGTERM, and a busy loop never gets to its handler.
      killSignal: 'SIGKILL',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('matches no check');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('keeps error output plain under NO_COLOR even when FORCE_COLOR is set', () => {
    const result = cli(['validate', '--format', 'nope'], { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('\u001b[');
  });
});
