/**
 * Helpers that leave the plugin's process group (a `setsid` child, a double-forked
 * daemon re-parented to init) are stopped with the plugin: on stop(), when the plugin
 * dies on its own, and when loom-plugin itself exits. Found on Linux by the per-run
 * marker in their environment (run-marker.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort, killAllPlugins, startPlugin, type RunningPlugin } from '../../src/core/runtime/plugin-process.js';
import { markedProcesses } from '../../src/core/runtime/run-marker.js';
import { getJson, hostile, HOSTILE_DIR, isAlive, waitGone } from './runtime-helpers.js';

const linux = process.platform === 'linux';
const started: RunningPlugin[] = [];
let helperPids: number[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop({ cleanup: false, graceMs: 200 })));
  // Never leave a sleeper behind, whatever the test's outcome.
  for (const pid of helperPids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
});

async function startEscaper(): Promise<{ plugin: RunningPlugin; helpers: Array<{ pid: number; pgid: number }> }> {
  const port = await findFreePort();
  const plugin = await startPlugin({ ...hostile('escaping-children'), port, startupTimeoutMs: 10_000 });
  started.push(plugin);
  const info = (await getJson(`${plugin.baseUrl}/helpers`)) as { leader: number; helpers: Array<{ pid: number; pgid: number }> };
  helperPids = info.helpers.map((helper) => helper.pid);
  // The point of the fixture: both helpers run outside the plugin's group.
  for (const helper of info.helpers) {
    expect(helper.pgid).not.toBe(plugin.pid);
    expect(isAlive(helper.pid)).toBe(true);
  }
  return { plugin, helpers: info.helpers };
}

async function allGone(pids: number[]): Promise<boolean> {
  const gone = await Promise.all(pids.map((pid) => waitGone(pid, 5000)));
  return gone.every(Boolean);
}

describe.runIf(linux)('helpers outside the process group', () => {
  it('are found by the run marker', async () => {
    const { plugin, helpers } = await startEscaper();
    const marked = markedProcesses(readMarker(plugin.pid), plugin.pid);
    for (const helper of helpers) expect(marked).toContain(helper.pid);
    expect(marked).not.toContain(process.pid);
  });

  it('are stopped by stop()', async () => {
    const { plugin, helpers } = await startEscaper();
    await plugin.stop({ graceMs: 1000 });
    expect(await allGone(helpers.map((h) => h.pid))).toBe(true);
  });

  it('are stopped when the plugin dies on its own', async () => {
    const { plugin, helpers } = await startEscaper();
    await fetch(`${plugin.baseUrl}/die`, { method: 'POST' }).catch(() => undefined);
    await plugin.exited;
    expect(await allGone(helpers.map((h) => h.pid))).toBe(true);
  });

  it('are killed when loom-plugin exits (the exit handler)', async () => {
    const { helpers } = await startEscaper();
    killAllPlugins();
    expect(await allGone(helpers.map((h) => h.pid))).toBe(true);
  });
});

const bin = resolve(fileURLToPath(new URL('../..', import.meta.url)), 'bin', 'loom-plugin.js');

/** Runs the CLI on the fixture; `whileRunning` gets the helpers' pids once they exist. */
async function runCli(args: string[], whileRunning: (child: ReturnType<typeof spawn>, helpers: number[]) => void): Promise<{ code: number | null; helpers: number[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-escaping-'));
  const file = join(dir, 'helpers.json');
  try {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, HELPERS_FILE: file, CI: 'true', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.resume();
    child.stderr?.resume();
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    let helpers: number[] = [];
    const deadline = Date.now() + 20_000;
    while (helpers.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        helpers = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as number[]) : [];
      } catch {
        helpers = []; // being written
      }
    }
    helperPids.push(...helpers);
    whileRunning(child, helpers);
    return { code: await exited, helpers };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe.runIf(linux)('the CLI leaves no helper behind', () => {
  it('loom-plugin test', async () => {
    const { helpers } = await runCli(['test', join(HOSTILE_DIR, 'escaping-children'), '--startup-timeout', '20s', '--timeout', '2s'], () => undefined);
    expect(helpers).toHaveLength(2);
    expect(await allGone(helpers)).toBe(true);
  }, 120_000);

  it('loom-plugin dev, stopped with Ctrl+C', async () => {
    const { code, helpers } = await runCli(['dev', join(HOSTILE_DIR, 'escaping-children'), '--port', '0', '--no-open', '--no-watch'], (child) => child.kill('SIGINT'));
    expect(helpers).toHaveLength(2);
    expect(code).toBe(130);
    expect(await allGone(helpers)).toBe(true);
  }, 60_000);
});

/** The marker as the plugin sees it, read from its environment under /proc. */
function readMarker(pid: number): string {
  const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
  const entry = environ.split('\0').find((line) => line.startsWith('LOOM_PLUGIN_RUN='));
  return entry?.slice('LOOM_PLUGIN_RUN='.length) ?? '';
}
