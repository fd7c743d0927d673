// The CLI process dying must take its plugins with it: the runtime is compiled to JS once
// and driven from a child Node process that then crashes in different ways.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_DIR, hostile, waitGone } from './runtime-helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Inside node_modules so the compiled files resolve undici and yaml.
const outDir = path.join(root, 'node_modules', '.cache', `loom-runtime-test-${process.pid}`);

// Transpile only (no type check: tsc does that for the project): fast even on busy CPUs.
beforeAll(async () => {
  const ts = (await import('typescript')).default;
  const src = path.join(root, 'src');
  // plugin-process.ts and what it imports at run time (type-only imports vanish).
  const files = ['plugin-process', 'log-buffer', 'process-registry', 'port-rewrite', 'readiness', 'cleanup-call']
    .map((name) => `core/runtime/${name}.ts`)
    .concat('core/errors.ts');
  for (const file of files) {
    const { outputText } = ts.transpileModule(readFileSync(path.join(src, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    const out = path.join(outDir, file.replace(/\.ts$/, '.js'));
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
}, 60_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function runParent(how: string): Promise<{ pids: { pid: number; grandchildPid: number }; code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      path.join(HOSTILE_DIR, 'parent-crash.mjs'),
      // plugin-process.js alone: no undici or yaml to load in the child.
      pathToFileURL(path.join(outDir, 'core/runtime/plugin-process.js')).href,
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
