/**
 * The command on a (fake) terminal: keys r and q in raw mode, restored afterwards; health
 * changes shown; a client that drops a stream mid-way does not disturb the host.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryIo } from '../helpers/memory-io.js';
import { FIXTURES, SECRET, startTestHost, waitUntil, type TestHost } from './helpers.js';

/** `dev` on a fake raw-mode terminal, once the plugin has loaded and keys are read. */
async function devOnFakeTerminal() {
  const stdin = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (on: boolean) => void };
  const rawModes: boolean[] = [];
  stdin.isTTY = true;
  stdin.setRawMode = (on) => void rawModes.push(on);
  const io = memoryIo({ tty: true, stdin, env: { PATH: process.env.PATH, LOOM_CONFIG_API_KEY: SECRET, NO_COLOR: '1' } });
  const exit = main(['dev', `${FIXTURES}echo`, '--port', '0', '--no-open', '--no-watch'], io);
  await waitUntil(() => io.stdout.text.includes('loaded in') && rawModes.length > 0, 20_000);
  return { stdin, rawModes, io, exit };
}

describe('loom-plugin dev on a terminal', () => {
  it('reloads on r, quits on q with exit 0, and restores the terminal', async () => {
    const { stdin, rawModes, io, exit } = await devOnFakeTerminal();
    expect(io.stdout.text).toContain('Keys: r reload  o open browser  q quit');
    stdin.write('r');
    await waitUntil(() => io.stdout.text.includes('reloaded (key)'), 20_000);
    stdin.write('q');
    expect(await exit).toBe(0);
    expect(rawModes).toEqual([true, false]);
    expect(io.stdout.text).not.toContain(SECRET);
  }, 40_000);

  it('Ctrl+C as a key in raw mode (no SIGINT comes) interrupts: exit 130, terminal restored', async () => {
    const { stdin, rawModes, io, exit } = await devOnFakeTerminal();
    stdin.write('\u0003');
    expect(await exit).toBe(130);
    expect(rawModes).toEqual([true, false]);
    expect(io.stderr.text).toContain('Interrupted.');
  }, 40_000);
});

describe('host behaviour under a running plugin', () => {
  let t: TestHost | undefined;
  afterEach(async () => {
    await t?.host.close();
  });

  it('shows health changes from the periodic /health poll', async () => {
    t = await startTestHost({ path: `${FIXTURES}echo`, watch: false, healthIntervalMs: 100 });
    await t.host.ready;
    const chat = (content: string) => t!.call('POST', '/v1/chat/completions', { body: { model: 'echo-dev-1', messages: [{ role: 'user', content }] } });
    await chat('__unhealthy__');
    const down = await t.waitFor((e) => e.type === 'state' && e.state === 'unhealthy');
    expect(t.host.state()[0]!.health.some((h) => !h.healthy)).toBe(true);
    await chat('__healthy__');
    await t.waitFor((e) => e.type === 'state' && e.state === 'healthy' && e.seq > down.seq);
    expect(t.host.state()[0]!.state).toBe('healthy');
  }, 20_000);

  it('survives a client dropping a stream mid-way, and still reloads (nothing left in flight)', async () => {
    t = await startTestHost({ path: `${FIXTURES}echo`, watch: false });
    await t.host.ready;
    const controller = new AbortController();
    const response = await fetch(`${t.host.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.host.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'echo-dev-1', stream: true, messages: [{ role: 'user', content: 'a b c d e f g h i j k l' }] }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await waitUntil(() => t!.host.requests().length === 1);
    expect(t.host.requests()[0]!.error).toBe('The client closed the connection.');
    const started = Date.now();
    const attempt = await t.host.reload('echo-dev');
    expect(attempt?.ok).toBe(true);
    // No request is counted in flight, so the old process did not hold the reload up.
    expect(Date.now() - started).toBeLessThan(8000);
    expect((await t.call('POST', '/v1/chat/completions', { body: { model: 'echo-dev-1', messages: [{ role: 'user', content: 'ok' }] } })).status).toBe(200);
  }, 30_000);
});

describe('interruption', () => {
  it('an abort while plugins are still starting stops everything it started', async () => {
    const { livePluginGroups } = await import('../../src/core/runtime/process-registry.js');
    const before = new Set(livePluginGroups());
    const controller = new AbortController();
    const t = await startTestHost({ path: `${FIXTURES}multi`, watch: false, signal: controller.signal });
    // The first plugin is starting now; abort in the middle of it.
    await t.waitFor((e) => e.type === 'state' && e.state === 'starting');
    controller.abort();
    await t.host.close();
    await t.host.ready;
    expect(livePluginGroups().filter((pgid) => !before.has(pgid))).toEqual([]);
    for (const plugin of t.host.state()) expect(plugin.pid).toBeUndefined();
  }, 30_000);
});
