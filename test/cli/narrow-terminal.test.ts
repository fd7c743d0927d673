/**
 * A terminal 0 columns wide (`script` in CI, `docker run -t`): ora's line count was
 * width / 0 = Infinity, and its clear loop spun forever at 100% CPU, deaf to Ctrl+C and
 * SIGTERM. Spawns the built binary on a real pseudo-terminal. Needs `npm run build`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, waitGone } from '../helpers/processes.js';
import { runOnPty } from '../helpers/pty.js';

const bin = resolve(import.meta.dirname, '../../bin/loom-plugin.js');
const REFERENCE = resolve(import.meta.dirname, '../fixtures/plugins/reference/plugin.yaml');
// No CI variable: the spinner is meant to run here.
const env = { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm' };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-narrow-'));
});
afterAll(async () => {
  // A CLI killed as hung leaves its plugin behind: stop it here, not in the next test run.
  for (const name of ['zero', 'resized']) {
    const file = join(dir, name, 'started');
    if (existsSync(file)) {
      const pid = Number(readFileSync(file, 'utf8'));
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  }
  await rm(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** A plugin that starts and never answers: `test` waits for it until Ctrl+C. */
async function silentPlugin(name: string): Promise<string> {
  const plugin = join(dir, name);
  await mkdir(plugin);
  const port = String(await freePort());
  await writeFile(join(plugin, 'plugin.yaml'), (await readFile(REFERENCE, 'utf8')).replaceAll('18401', port));
  await writeFile(join(plugin, 'server.mjs'), "import { writeFileSync } from 'node:fs';\nwriteFileSync('started', String(process.pid));\nsetInterval(() => {}, 1000);\n");
  return plugin;
}

describe.skipIf(process.platform === 'win32')('a terminal 0 columns wide', () => {
  it('test ends with its usual error, no endless line clearing', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const result = runOnPty({ argv: [process.execPath, bin, 'test'], cwd: empty, env, rows: 24, columns: 0, timeout: 15 });
    expect(result.hung).toBe(false);
    expect(result.code).toBe(2);
    expect(result.output).toContain('No plugin.yaml');
    expect(result.output).not.toContain('\u001b[1A');
  });

  it('test answers Ctrl+C with 130 at once and stops the plugin', async () => {
    const plugin = await silentPlugin('zero');
    const started = join(plugin, 'started');
    const result = runOnPty({ argv: [process.execPath, bin, 'test'], cwd: plugin, env, rows: 24, columns: 0, timeout: 20, whenFile: started, sigintDelay: 0.5 });
    expect(result.hung).toBe(false);
    expect(result.code).toBe(130);
    expect(result.afterSigint).toBeLessThan(5);
    expect(await waitGone(Number(readFileSync(started, 'utf8')))).toBe(true);
  });

  it('a terminal resized to 0 columns while the spinner runs still answers Ctrl+C', async () => {
    const plugin = await silentPlugin('resized');
    const started = join(plugin, 'started');
    const result = runOnPty({
      argv: [process.execPath, bin, 'test'],
      cwd: plugin,
      env,
      rows: 24,
      columns: 80,
      timeout: 20,
      whenFile: started,
      resizeTo: { rows: 24, columns: 0 },
      sigintDelay: 0.6,
    });
    expect(result.hung).toBe(false);
    expect(result.code).toBe(130);
    expect(result.output).toContain('starting the plugin'); // the spinner did run
    expect(await waitGone(Number(readFileSync(started, 'utf8')))).toBe(true);
  });

  it('init --install finishes, with one line per install step', async () => {
    const tools = join(dir, 'bin');
    await mkdir(tools);
    await writeFile(join(tools, 'npm'), '#!/bin/sh\nsleep 0.2\nexit 0\n');
    await chmod(join(tools, 'npm'), 0o755);
    const result = runOnPty({
      argv: [process.execPath, bin, 'init', 'nn', '--language', 'node', '--install', '--yes'],
      cwd: dir,
      env: { ...env, PATH: `${tools}${delimiter}${env.PATH ?? ''}` },
      rows: 24,
      columns: 0,
      timeout: 20,
    });
    expect(result.hung).toBe(false);
    expect(result.code).toBe(0);
    expect(result.output).toContain('Installing npm packages (1/1)...');
    expect(existsSync(join(dir, 'nn', 'plugin.yaml'))).toBe(true);
  });
});
