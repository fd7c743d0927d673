/**
 * Ctrl+C during `loom-plugin test`, end to end: the built binary is spawned, SIGINT is sent
 * mid-run, and afterwards neither the plugin nor its child may be alive. Needs the build
 * (`npx tsc -p tsconfig.json`; npm test builds first).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pidAlive, removeTempPlugins, slowModelsWrapper, tempPlugin } from './command-helpers.js';

const bin = resolve(import.meta.dirname, '../../bin/loom-plugin.js');
const dist = resolve(import.meta.dirname, '../../dist/cli.js');

afterAll(async () => {
  await removeTempPlugins();
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('Ctrl+C during loom-plugin test', () => {
  it('stops the plugin and its children, then exits 130', async () => {
    expect(existsSync(dist), 'dist/ is missing: run npx tsc -p tsconfig.json first').toBe(true);
    const work = await mkdtemp(join(tmpdir(), 'loom-sigint-'));
    const pidFile = join(work, 'plugin.pid');
    const childPidFile = join(work, 'child.pid');
    // The plugin starts a long-lived child (as real plugins start workers), then serves.
    // Its /models answer is slowed down so the run is surely mid-way when SIGINT arrives.
    const wrapper = slowModelsWrapper(`import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
writeFileSync(${JSON.stringify(childPidFile)}, String(child.pid));
`);
    const dir = await tempPlugin({ wrapper, env: { PID_FILE: pidFile } });
    const cli = spawn(process.execPath, [bin, 'test', dir], { env: { PATH: process.env.PATH, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => cli.on('exit', (code) => done(code)));
    try {
      await waitFor(() => existsSync(pidFile) && existsSync(childPidFile) && /metadata\.schema/.test(stdout), 20_000);
      const pluginPid = Number(await readFile(pidFile, 'utf8'));
      const childPid = Number(await readFile(childPidFile, 'utf8'));
      expect(pidAlive(pluginPid)).toBe(true);
      expect(pidAlive(childPid)).toBe(true);

      const interruptedAt = Date.now();
      cli.kill('SIGINT');
      const code = await exited;
      expect(code).toBe(130);
      expect(Date.now() - interruptedAt).toBeLessThan(8_000);
      expect(stderr).toContain('Interrupted.');
      // Stopped before the CLI exited: no waiting needed.
      expect(pidAlive(pluginPid)).toBe(false);
      expect(pidAlive(childPid)).toBe(false);
    } finally {
      if (cli.exitCode === null) cli.kill('SIGKILL');
      for (const file of [pidFile, childPidFile]) {
        const pid = Number(await readFile(file, 'utf8').catch(() => '0'));
        if (pid > 0 && pidAlive(pid)) process.kill(pid, 'SIGKILL');
      }
      await rm(work, { recursive: true, force: true });
    }
  }, 60_000);
});
