// The CLI process dying must take its plugins with it: the built runtime is driven from a
// child Node process that then crashes in different ways.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_DIR, hostile, waitGone } from './runtime-helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The build's output (npm test builds first): plugin-process.js and the few files it
// imports at run time; no undici or yaml, so the crashing child starts fast.
const pluginProcessJs = path.join(root, 'dist', 'core', 'runtime', 'plugin-process.js');

beforeAll(() => {
  if (!existsSync(pluginProcessJs)) throw new Error('dist/ is missing: run `npm run build` first.');
});

function runParent(how: string): Promise<{ pids: { pid: number; grandchildPid: number }; code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      path.join(HOSTILE_DIR, 'parent-crash.mjs'),
      // plugin-process.js alone: no undici or yaml to load in the child.
      pathToFileURL(pluginProcessJs).href,
      path.join(HOSTILE_DIR, 'grandchild'),
      how,
      JSON.stringify(hostile('grandchild').manifest),
    ], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      try {
        resolve({ pids: JSON.parse(stdout.split('\n')[0] ?? ''), code, signal, stderr });
      } catch {
        reject(new Error(`no pids printed; stderr: ${stderr}`));
      }
    });
  });
}

describe('plugins die with the process that started them', () => {
  it.each([
    ['exception', 1, null],
    ['rejection', 1, null],
    ['exit', 7, null],
    ['sigterm', null, 'SIGTERM'],
  ] as const)('on %s', async (how, code, signal) => {
    const result = await runParent(how);
    expect(result.code).toBe(code);
    expect(result.signal).toBe(signal);
    expect(typeof result.pids.pid).toBe('number');
    expect(typeof result.pids.grandchildPid).toBe('number');
    expect(await waitGone(result.pids.pid)).toBe(true);
    expect(await waitGone(result.pids.grandchildPid)).toBe(true);
  }, 20_000);
});
