/**
 * Build before start without a compiler: which plan a manifest gets, a declared build
 * run for real (a Node one-liner standing in for make or cargo), its failures as
 * E_BUILD_FAILED with the output, and the stale-binary check behind --no-build.
 */
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBeforeStart, describeBuild, resolveBuildPlan, staleness } from '../../src/core/build/index.js';
import { LoomPluginError } from '../../src/core/errors.js';
import type { Manifest } from '../../src/core/manifest/types.js';
import { waitGone } from '../helpers/processes.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-build-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const manifest = (extra: Partial<Manifest>): Manifest => ({
  type: 'http',
  endpoint: 'http://127.0.0.1:8090',
  metadata: { name: 'x', version: '1.0.0', provider_type: 'x' },
  ...extra,
});

async function failure(promise: Promise<unknown>): Promise<LoomPluginError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(LoomPluginError);
  return error as LoomPluginError;
}

describe('resolveBuildPlan', () => {
  it('builds a Go module whose command is a file in the folder with go build -o', async () => {
    await writeFile(join(dir, 'go.mod'), 'module example.com/x\n');
    const plan = await resolveBuildPlan(manifest({ command: 'bin/plugin' }), dir);
    expect(plan && describeBuild(plan)).toBe('go build -o bin/plugin .');
    expect(plan?.output).toBe(join(dir, 'bin', 'plugin'));
    expect((await resolveBuildPlan(manifest({ command: './server' }), dir))?.args).toEqual(['build', '-o', 'server', '.']);
  });

  it('builds nothing for a command on PATH, `go run`, a path outside the folder, or no go.mod', async () => {
    await writeFile(join(dir, 'go.mod'), 'module example.com/x\n');
    expect(await resolveBuildPlan(manifest({ command: 'python3', args: ['plugin.py'] }), dir)).toBeUndefined();
    expect(await resolveBuildPlan(manifest({ command: 'go', args: ['run', '.'] }), dir)).toBeUndefined();
    expect(await resolveBuildPlan(manifest({ command: '../elsewhere/plugin' }), dir)).toBeUndefined();
    await rm(join(dir, 'go.mod'));
    expect(await resolveBuildPlan(manifest({ command: 'bin/plugin' }), dir)).toBeUndefined();
  });

  it('takes the manifest\'s build whatever the language', async () => {
    const plan = await resolveBuildPlan(manifest({ command: 'target/release/acme', build: { command: 'cargo', args: ['build', '--release'] } }), dir);
    expect(plan?.kind).toBe('declared');
    expect(plan && describeBuild(plan)).toBe('cargo build --release');
  });
});

describe('buildBeforeStart with a declared build', () => {
  const node = (script: string) => ({ command: process.execPath, args: ['-e', script] });

  it('runs it in the plugin folder and reports its time', async () => {
    const script = "require('fs').mkdirSync('out',{recursive:true});require('fs').writeFileSync('out/plugin','built')";
    const lines: string[] = [];
    const outcome = await buildBeforeStart(manifest({ command: 'out/plugin', build: node(script) }), dir, { onBuild: (line) => lines.push(line) });
    expect(outcome.build?.durationMs).toBeGreaterThanOrEqual(0);
    expect(lines).toHaveLength(1);
    expect(await readFile(join(dir, 'out', 'plugin'), 'utf8')).toBe('built');
  });

  it('fails with E_BUILD_FAILED (exit 3) carrying what the build printed', async () => {
    const error = await failure(buildBeforeStart(manifest({ command: 'out/plugin', build: node("console.log('main.c:3: error: expected ;');process.exit(2)") }), dir));
    expect(error.code).toBe('E_BUILD_FAILED');
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain('failed with exit code 2');
    expect(error.details?.buildOutput).toBe('main.c:3: error: expected ;');
    expect(error.hint).toContain('to see it again');
  });

  it('says what to install when the build tool is missing', async () => {
    const error = await failure(buildBeforeStart(manifest({ command: 'out/plugin', build: { command: 'no-such-build-tool-4242' } }), dir));
    expect(error.message).toContain('`no-such-build-tool-4242` was not found');
    expect(error.hint).toContain('--no-build');
  });

  it('fails when the build does not write the file `command` starts', async () => {
    const error = await failure(buildBeforeStart(manifest({ command: 'out/plugin', build: node('0') }), dir));
    expect(error.message).toContain('did not write out/plugin');
  });

  it('stops the build on abort and leaves nothing running', async () => {
    const controller = new AbortController();
    const pidFile = join(dir, 'pid');
    const script = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`;
    const run = buildBeforeStart(manifest({ command: 'out/plugin', build: node(script) }), dir, { signal: controller.signal });
    await expect.poll(async () => (await import('node:fs')).existsSync(pidFile)).toBe(true);
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
    const pid = Number((await import('node:fs')).readFileSync(pidFile, 'utf8'));
    await expect.poll(() => { try { process.kill(pid, 0); return true; } catch { return false; } }).toBe(false);
  });

  // A build that leaves a helper behind in a session of its own, holding the build's
  // output pipe: the build once waited for that pipe to close, so it hung (and ignored
  // Ctrl+C) until the helper ended, and the helper outlived the run.
  const daemonScript = (pidFile: string, then: string) =>
    `const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: ['ignore', 'inherit', 'inherit'] });` +
    `c.unref(); require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); console.log('built'); ${then}`;

  it('finishes when the build exits, though a helper it left holds its output open, and stops the helper', async () => {
    const pidFile = join(dir, 'daemon.pid');
    const started = performance.now();
    const outcome = await buildBeforeStart(manifest({ command: 'node', build: node(daemonScript(pidFile, 'process.exit(0)')) }), dir);
    expect(performance.now() - started).toBeLessThan(8000);
    expect(outcome.build?.output).toContain('built');
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(await waitGone(pid)).toBe(true);
  }, 20_000);

  it('answers Ctrl+C at once while such a helper holds the output open', async () => {
    const pidFile = join(dir, 'daemon.pid');
    const controller = new AbortController();
    const run = buildBeforeStart(manifest({ command: 'node', build: node(daemonScript(pidFile, 'setInterval(() => {}, 1000)')) }), dir, { signal: controller.signal });
    await expect.poll(async () => (await import('node:fs')).existsSync(pidFile)).toBe(true);
    const pid = Number(await readFile(pidFile, 'utf8'));
    const started = performance.now();
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
    expect(performance.now() - started).toBeLessThan(8000);
    expect(await waitGone(pid)).toBe(true);
  }, 20_000);
});

describe('--no-build: a stale binary is never started silently', () => {
  it('says when the output is older than a source, and names the source', async () => {
    await writeFile(join(dir, 'go.mod'), 'module example.com/x\n');
    await mkdir(join(dir, 'bin'));
    await writeFile(join(dir, 'bin', 'plugin'), 'old build');
    await writeFile(join(dir, 'main.go'), 'package main\n');
    await writeFile(join(dir, 'README.md'), 'not a Go source\n');
    const old = new Date(Date.now() - 60_000);
    await utimes(join(dir, 'bin', 'plugin'), old, old);
    await utimes(join(dir, 'main.go'), new Date(), new Date(Date.now() + 30_000));
    // Newer still, but not a Go source: it does not make the binary stale.
    await utimes(join(dir, 'README.md'), new Date(), new Date(Date.now() + 60_000));
    const plan = (await resolveBuildPlan(manifest({ command: 'bin/plugin' }), dir))!;
    const outcome = await buildBeforeStart(manifest({ command: 'bin/plugin' }), dir, { skip: true });
    expect(outcome.build).toBeUndefined();
    expect(outcome.stale).toBe('bin/plugin is older than main.go: it runs code from before that change (run `go build -o bin/plugin .` or drop --no-build).');
    // Rebuilt after the edit: nothing to say.
    await utimes(join(dir, 'bin', 'plugin'), new Date(), new Date(Date.now() + 120_000));
    expect(await staleness(plan)).toBeUndefined();
    await rm(join(dir, 'bin', 'plugin'));
    expect(await staleness(plan)).toContain('bin/plugin does not exist yet');
  });
});
