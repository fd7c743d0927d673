/**
 * `loom-plugin test` against plugins that misbehave on purpose (test/fixtures/hostile/):
 * the verdict (exit code and message), a time bound, and no process left behind — the
 * plugin and anything it spawned. Each run uses a private copy of the fixtures so leftover
 * processes can be found by their working directory (/proc/<pid>/cwd), whatever else runs.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/memory-io.js';

const HOSTILE = resolve(import.meta.dirname, '../fixtures/hostile');

/** Pids of live processes whose working directory is inside `dir`. */
async function processesIn(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    if (cwd.startsWith(dir)) pids.push(Number(entry));
  }
  return pids;
}

async function leftovers(dir: string): Promise<number[]> {
  // Give SIGKILLed processes a moment to be reaped.
  for (let i = 0; i < 20; i++) {
    const pids = await processesIn(dir);
    if (pids.length === 0) return [];
    await new Promise((r) => setTimeout(r, 100));
  }
  return processesIn(dir);
}

interface Case {
  name: string;
  args: string[];
  code: number;
  withinMs: number;
  output?: RegExp;
}

const CASES: Case[] = [
  { name: 'crash-at-start', args: [], code: 3, withinMs: 10_000, output: /cannot load provider SDK/ },
  { name: 'never-healthy', args: ['--startup-timeout', '2s'], code: 3, withinMs: 10_000, output: /GET \/health never answered/ },
  { name: 'ipv6-only', args: ['--startup-timeout', '2s'], code: 3, withinMs: 10_000, output: /::1/ },
  { name: 'flood', args: [], code: 1, withinMs: 20_000, output: /models/ },
  { name: 'log-flood', args: [], code: 1, withinMs: 20_000 },
  { name: 'ignore-sigterm', args: [], code: 1, withinMs: 20_000 },
  { name: 'grandchild', args: [], code: 1, withinMs: 20_000 },
];

describe.skipIf(process.platform !== 'linux')('loom-plugin test against hostile plugins', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'loom-hostile-'));
    await cp(HOSTILE, work, { recursive: true });
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('the leftover detector sees a process that is still running', async () => {
    const dir = join(work, 'baseline');
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { cwd: dir, stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    expect(await processesIn(dir)).toContain(child.pid);
    child.kill('SIGKILL');
    expect(await leftovers(dir)).toEqual([]);
  });

  it.each(CASES)('$name: exit $code, bounded, nothing left running', async ({ name, args, code, withinMs, output }) => {
    const dir = join(work, name);
    const started = performance.now();
    const result = await runCli(['test', dir, '--timeout', '2s', ...args], { cwd: work });
    const elapsed = performance.now() - started;
    expect(result.code, result.stdout + result.stderr).toBe(code);
    expect(elapsed).toBeLessThan(withinMs);
    if (output) expect(result.stdout + result.stderr).toMatch(output);
    expect(await leftovers(dir)).toEqual([]);
  }, 30_000);

  it('hang-endpoint: a plugin that hangs on one endpoint costs one timeout, not one per check', async () => {
    const dir = join(work, 'hang-endpoint');
    const result = await runCli(['test', dir, '--timeout', '1s', '--reporter', 'json'], { cwd: work });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { timings: { checksMs: number }; results: Array<{ id: string; status: string; endpoint: string }> };
    // The first /models check fails; the one that reads the same answer is blocked by it.
    const modelChecks = report.results.filter((r) => r.endpoint === 'GET /models' && (r.status === 'fail' || r.status === 'blocked'));
    expect(modelChecks.length).toBeGreaterThan(1);
    // Several checks call /models; only the first waits for the timeout.
    expect(report.timings.checksMs).toBeLessThan(1000 * modelChecks.length);
    expect(report.timings.checksMs).toBeLessThan(4000);
    expect(await leftovers(dir)).toEqual([]);
  }, 30_000);
});
