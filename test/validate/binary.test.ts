/**
 * `validate` through the built binary, as CI runs it: real exit codes, stdout/stderr,
 * large output flushed before exit. Needs the build (npm test builds first).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = resolve(import.meta.dirname, '../../bin/loom-plugin.js');
const FIXTURES = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: FIXTURES, encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/loom-plugin.js validate', () => {
  it('exits 1 on findings and prints all of them, complete, to stdout', () => {
    // Manifests only: the folder also holds a script a rule looks for beside its manifest.
    const files = readdirSync(`${FIXTURES}rules`).filter((name) => /\.(ya?ml|json)$/.test(name)).map((name) => `rules/${name}`);
    const result = cli(['validate', ...files, '--format', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { files: unknown[]; summary: { errorCount: number } };
    expect(report.files.length).toBeGreaterThan(30);
    expect(report.summary.errorCount).toBeGreaterThan(30);
    expect(result.stderr).toBe('');
  });

  it('exits 0 on clean manifests and 2 when nothing is found', () => {
    expect(cli(['validate', 'valid']).code).toBe(0);
    const none = cli(['validate', 'rules/../missing-folder']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('does not exist');
    expect(none.stdout).toBe('');
  });
});
