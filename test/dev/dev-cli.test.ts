/**
 * `loom-plugin dev` as a user runs it: the spawned binary prints the URL with its token,
 * serves, and on Ctrl+C stops every plugin process and exits 130. In-process runs cover
 * the usage errors.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/memory-io.js';
import { FIXTURES, SECRET, copyFixture, devWithFlags, isAlive, waitUntil } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${ROOT}bin/loom-plugin.js`;

let fixture: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  fixture = await copyFixture('echo');
});
afterAll(async () => {
  await fixture?.remove();
});

describe('loom-plugin dev (spawned)', () => {
  it('prints the URL with a token, serves, and on Ctrl+C leaves no process behind (exit 130)', async () => {
    const child = spawn(process.execPath, [BIN, 'dev', fixture.dir, '--port', '0', '--no-open'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, LOOM_CONFIG_API_KEY: SECRET, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    await waitUntil(() => /loaded in \d+ ms/.test(stdout), 20_000).catch(() => {
      throw new Error(`dev did not load the plugin.\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    });
    const match = /(http:\/\/127\.0\.0\.1:(\d+))\/#token=([\w-]+)/.exec(stdout);
    expect(match, stdout).not.toBeNull();
    const [, url, , token] = match!;
    const plugins = (await (await fetch(`${url}/api/plugins`, { headers: { authorization: `Bearer ${token}` } })).json()) as { plugins: Array<{ pid: number; state: string }> };
    const pid = plugins.plugins[0]!.pid;
    expect(plugins.plugins[0]!.state).toBe('healthy');
    expect(isAlive(pid)).toBe(true);
    const chat = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'echo-dev-1', messages: [{ role: 'user', content: 'from the cli test' }] }),
    });
    expect(chat.status).toBe(200);
    await waitUntil(() => stdout.includes('POST /v1/chat/completions 200'));

    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('Interrupted.');
    expect(isAlive(pid)).toBe(false);
    // The plugin printed its key; the terminal shows it masked.
    expect(stdout).toContain('initialized with key ***');
    expect(stdout + stderr).not.toContain(SECRET);
  }, 40_000);
});

describe('loom-plugin dev (usage errors)', () => {
  it('exits 2 for a path that does not exist', async () => {
    const { code, stderr } = await runCli(['dev', 'no/such/folder', '--no-open', '--port', '0']);
    expect(code).toBe(2);
    expect(stderr).toContain('no/such/folder does not exist');
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['a space inside', 'my secret token'],
    ['a character a Bearer header or URL mangles', 'abc+def/ghi='],
    ['too short', 'abc'],
  ])('exits 2 with a hint for a --token that is %s (no client could call the host)', async (_name, token) => {
    const { code, stderr, stdout } = await devWithFlags(['--token', token]);
    expect(code).toBe(2);
    expect(stderr).toContain('The token given with --token');
    expect(stderr).toContain('Hint: Leave out --token');
    expect(stdout).not.toContain('Loom dev host');
  });

  it('exits 2 when --config cannot be read', async () => {
    const { code, stderr } = await runCli(['dev', `${FIXTURES}echo`, '--no-open', '--no-watch', '--port', '0', '--config', 'missing.yaml']);
    expect(code).toBe(2);
    expect(stderr).toContain('The config file missing.yaml cannot be read.');
  });

  it('exits 2 with a hint when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr } = await runCli(['dev', `${FIXTURES}echo`, '--no-open', '--no-watch', '--port', String(port)], { env: { PATH: process.env.PATH } });
      expect(code).toBe(2);
      expect(stderr).toContain(`Port ${port} on 127.0.0.1 is already in use.`);
      expect(stderr).toContain('--port 0');
    } finally {
      blocker.close();
    }
  });
});
