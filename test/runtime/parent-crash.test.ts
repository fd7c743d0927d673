// The CLI process dying must take its plugins with it: the runtime is compiled to JS once
// and driven from a child Node process that then crashes in different ways.
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_DIR, waitGone } from './runtime-helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Inside node_modules so the compiled files resolve undici and yaml.
const outDir = path.join(root, 'node_modules', '.cache', `loom-runtime-test-${process.pid}`);

beforeAll(() => {
  execFileSync(process.execPath, [
    path.join(root, 'node_modules/typescript/bin/tsc'),
    path.join(root, 'src/core/runtime/index.ts'),
    '--outDir', outDir, '--rootDir', path.join(root, 'src'),
    '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
    '--types', 'node', '--skipLibCheck', '--strict',
  ], { cwd: root, stdio: 'pipe' });
}, 60_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function runParent(how: string): Promise<{ pids: { pid: number; grandchildPid: number }; code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      path.join(HOSTILE_DIR, 'parent-crash.mjs'),
      pathToFileURL(path.join(outDir, 'core/runtime/index.js')).href,
      path.join(HOSTILE_DIR, 'grandchild'),
      how,
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
