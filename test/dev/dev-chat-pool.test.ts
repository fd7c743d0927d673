/**
 * The pool the dev host's chat door uses to reach a plugin (chat-pool.ts): a kept-alive
 * connection must not carry the plugin's short idle limit into a request, or a plugin that
 * thinks longer than its own `Keep-Alive: timeout=N` is cut; an idle connection is closed
 * before the plugin closes it; a plugin that really goes silent (before its headers or
 * between two chunks) is still cut at the silence limit.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { chatPoolOptions, isSilence } from '../../src/core/dev/chat-pool.js';

let server: Server | undefined;
let pool: Pool | undefined;
const sockets: Array<{ socket: Socket; closedAt?: number }> = [];

afterEach(async () => {
  await pool?.destroy();
  pool = undefined;
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  sockets.length = 0;
});

/**
 * A plugin stand-in: `?delay=N` waits N ms before its headers, `?pause=N` sends its headers
 * and one chunk, then waits N ms before the rest. Announces `Keep-Alive: timeout=3`.
 */
async function plugin(): Promise<string> {
  server = createServer((req, res: ServerResponse) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const delay = Number(query.get('delay') ?? 0);
    const pause = Number(query.get('pause') ?? 0);
    setTimeout(() => {
      if (!pause) return res.end('ok');
      res.write('o');
      setTimeout(() => res.end('k'), pause);
    }, delay);
  });
  server.keepAliveTimeout = 3000;
  server.on('connection', (socket) => {
    const seen: { socket: Socket; closedAt?: number } = { socket };
    sockets.push(seen);
    socket.on('close', () => (seen.closedAt = performance.now()));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function get(path: string): Promise<{ text?: string; error?: Error; ms: number }> {
  const started = performance.now();
  try {
    const answer = await pool!.request({ method: 'GET', path });
    return { text: await answer.body.text(), ms: performance.now() - started };
  } catch (error) {
    return { error: error as Error, ms: performance.now() - started };
  }
}

describe('chat pool', () => {
  it('answers a plugin thinking longer than its keep-alive idle limit, on the kept-alive connection', async () => {
    pool = new Pool(await plugin(), chatPoolOptions(10_000));
    expect((await get('/?delay=0')).text).toBe('ok');
    // undici frees the connection a moment after the answer ended.
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The idle limit derived from timeout=3 is 2 s; this answer takes 2.5 s on the same connection.
    expect((await get('/?delay=2500')).text).toBe('ok');
    expect(sockets).toHaveLength(1);
  });

  it('closes an idle connection before the plugin does', async () => {
    pool = new Pool(await plugin(), chatPoolOptions(10_000));
    await get('/?delay=0');
    const answeredAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 3500));
    // Closed by the host about 2 s after the answer, not by the plugin at 3 s (a request
    // sent then would meet a connection being closed).
    const closedAfter = sockets[0]!.closedAt! - answeredAt;
    expect(closedAfter).toBeGreaterThan(1500);
    expect(closedAfter).toBeLessThan(2900);
  });

  it('cuts a plugin that sends nothing past the limit', async () => {
    pool = new Pool(await plugin(), chatPoolOptions(1200));
    const outcome = await get('/?delay=5000');
    expect(outcome.error && isSilence(outcome.error)).toBe(true);
    expect(outcome.ms).toBeGreaterThanOrEqual(1100);
    expect(outcome.ms).toBeLessThan(4000);
  });

  it('cuts a plugin that goes silent between two chunks', async () => {
    pool = new Pool(await plugin(), chatPoolOptions(1200));
    const outcome = await get('/?pause=5000');
    expect(outcome.error && isSilence(outcome.error)).toBe(true);
  });

  it('does not take a refused connection for silence', async () => {
    const url = await plugin();
    server!.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    pool = new Pool(url, chatPoolOptions(1200));
    const outcome = await get('/');
    expect(outcome.error).toBeDefined();
    expect(isSilence(outcome.error!)).toBe(false);
  });
});
