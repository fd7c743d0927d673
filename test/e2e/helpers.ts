/**
 * End-to-end helpers: spawn the built binary (bin/loom-plugin.js -> dist/) and real
 * toolchains, capturing output so a failure shows exactly what the tool printed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'loom-plugin.js');

export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'bundle', 'cli.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests.');
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs a command to completion; never throws for a non-zero exit (tests assert it). */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? { ...process.env, NO_COLOR: '1', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 240_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

export function cli(args: string[], cwd: string, timeoutMs?: number): Promise<RunResult> {
  return run(process.execPath, [BIN, ...args], { cwd, ...(timeoutMs ? { timeoutMs } : {}) });
}

export async function tempWorkspace(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A readable failure message: what ran and everything it printed. */
export function explain(what: string, result: RunResult): string {
  return `${what} exited with ${result.code ?? result.signal}:\n${result.output}`;
}
