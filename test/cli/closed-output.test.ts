/**
 * A reader that closes the CLI's output early (`| head`, `| grep -q`, a pager quit): the
 * built binary is spawned with stdout a pipe that the test closes after the first bytes.
 * No stack trace, the documented exit code, and no plugin process left behind.
 * Needs the build (`npm run build`; npm test builds first).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempPlugins, tempPlugin } from '../conformance/command-helpers.js';
import { isAlive } from '../helpers/processes.js';

const bin = resolve(import.meta.dirname, '../../bin/loom-plugin.js');
const STACK_OR_ERROR = /Error|\n\s+at |node:events|Interrupted/;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI and closes our end of its stdout once `enough(stdout so far)` holds
 * (at once when `enough` is undefined, before the CLI wrote anything).
 */
function runAndCloseStdout(args: string[], env: NodeJS.ProcessEnv = {}, enough?: (stdout: string) => boolean): Promise<Outcome> {
  const cli = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH, CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const outcome: Outcome = { code: null, stdout: '', stderr: '' };
  if (!enough) cli.stdout.destroy();
  cli.stdout.on('data', (chunk: Buffer) => {
    outcome.stdout += chunk.toString();
    if (enough?.(outcome.stdout)) cli.stdout.destroy();
  });
  cli.stderr.on('data', (chunk: Buffer) => (outcome.stderr += chunk.toString()));
  // Far below the test timeout: a CLI that kept running would fail here, not hang.
  const timer = setTimeout(() => cli.kill('SIGKILL'), 15_000);
  return new Promise((done) =>
    cli.on('close', (code) => {
      clearTimeout(timer);
      done({ ...outcome, code });
    }),
  );
}

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'loom-closed-output-'));
  // Enough manifests that the report (about 1 MB) is far larger than a pipe's buffer, so
  // the CLI is still writing when the reader goes away. Each has findings: exit 1.
  await Promise.all(
    Array.from({ length: 400 }, async (_, i) => {
      const dir = join(work, 'manifests', `plugin-${i}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'plugin.yaml'), `type: http\nendpoint: http://127.0.0.1:${8000 + i}\nhelth_check: 1\nmetadata:\n  name: Plugin ${i}\n`);
    }),
  );
});

afterAll(async () => {
  await removeTempPlugins();
  await rm(work, { recursive: true, force: true });
});

describe('stdout closed by its reader', () => {
  it.each([['json'], ['sarif'], ['stylish']])('validate --format %s: stops quietly with its own exit code (1, findings)', async (format) => {
    const result = await runAndCloseStdout(['validate', join(work, 'manifests'), '--format', format], {}, (stdout) => stdout.length > 0);
    expect(result.stderr).not.toMatch(STACK_OR_ERROR);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
  });

  it('test: stops the plugin the way Ctrl+C does and exits 130, quietly', async () => {
    const pidFile = join(work, 'plugin.pid');
    const dir = await tempPlugin({ env: { PID_FILE: pidFile } });
    // The first line is written once the plugin answers; the checks' lines come after it.
    const result = await runAndCloseStdout(['test', dir], {}, (stdout) => stdout.includes('started'));
    expect(result.stderr).not.toMatch(STACK_OR_ERROR);
    expect(result.code).toBe(130);
    expect(existsSync(pidFile)).toBe(true);
    const pid = Number(await readFile(pidFile, 'utf8'));
    try {
      // Stopped before the CLI exited: no waiting needed.
      expect(isAlive(pid)).toBe(false);
    } finally {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('dev: closed before the banner, it stops every plugin and exits 130, quietly', async () => {
    const pidFile = join(work, 'dev-plugin.pid');
    const dir = await tempPlugin({ env: { PID_FILE: pidFile } });
    const result = await runAndCloseStdout(['dev', dir, '--mock-upstream', '--no-open', '--no-watch', '--port', '0']);
    expect(result.stderr).not.toMatch(STACK_OR_ERROR);
    expect(result.code).toBe(130);
    // The plugin may not have been started yet; if it was, it is gone.
    const pid = Number(await readFile(pidFile, 'utf8').catch(() => '0'));
    if (pid > 0) {
      try {
        expect(isAlive(pid)).toBe(false);
      } finally {
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      }
    }
  });
});
