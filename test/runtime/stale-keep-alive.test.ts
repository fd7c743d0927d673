/**
 * A plugin that closes an idle keep-alive connection just as a request goes out on it:
 * Go's Transport (the Loom host) sends a replayable request again when nothing of the
 * answer arrived on the reused connection; the client failed it as "connection reset
 * (other side closed)" (2 of 120 GETs against a server closing after 300 ms idle).
 * The server here closes at the worst moment on purpose: right after a request's bytes
 * arrive on a connection that already served one.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PluginClient } from '../../src/core/runtime/http-client.js';
import { IdleFirstPool } from '../../src/core/runtime/idle-first-pool.js';

type Behaviour = (info: { connection: number; onConnection: number; total: number }, socket: net.Socket) => void;

const OK = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}';

let server: net.Server | undefined;
let client: PluginClient | undefined;

/** A raw HTTP/1.1 server calling `behaviour` for each request; counts connections and requests. */
async function rawServer(behaviour: Behaviour) {
  const counts = { connections: 0, requests: 0 };
  server = net.createServer((socket) => {
    const connection = ++counts.connections;
    let onConnection = 0;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      // Requests here have no body (GET) or a small one read in one piece.
      while (buffered.includes('\r\n\r\n')) {
        const head = buffered.slice(0, buffered.indexOf('\r\n\r\n') + 4);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        buffered = buffered.slice(head.length + length);
        onConnection += 1;
        counts.requests += 1;
        behaviour({ connection, onConnection, total: counts.requests }, socket);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  client = new PluginClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { timeoutMs: 5000 });
  return { counts, client };
}

afterEach(async () => {
  await client?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  client = undefined;
  server = undefined;
});

describe('a reused connection the plugin closes as the request arrives', () => {
  it('a GET goes again on a new connection and is answered', async () => {
    const { counts, client } = await rawServer(({ onConnection }, socket) => (onConnection === 1 ? socket.write(OK) : socket.destroy()));
    for (let i = 0; i < 5; i += 1) {
      const exchange = await client.request('GET', '/health');
      expect(exchange.error).toBeUndefined();
      expect(exchange.status).toBe(200);
    }
    // Every GET after the first was sent twice: once on the closed connection, once on a new one.
    expect(counts).toEqual({ connections: 5, requests: 9 });
  });

  it('a POST is not sent twice (not replayable): the reset is reported', async () => {
    const { counts, client } = await rawServer(({ onConnection }, socket) => (onConnection === 1 ? socket.write(OK) : socket.destroy()));
    expect((await client.request('POST', '/initialize', { json: {} })).status).toBe(200);
    const second = await client.request('POST', '/initialize', { json: {} });
    expect(second.error?.kind).toBe('reset');
    expect(counts.requests).toBe(2);
  });

  it('a POST with an Idempotency-Key is replayable, as in Go', async () => {
    const { counts, client } = await rawServer(({ onConnection }, socket) => (onConnection === 1 ? socket.write(OK) : socket.destroy()));
    await client.request('POST', '/x', { json: {}, headers: { 'Idempotency-Key': 'k1' } });
    const second = await client.request('POST', '/x', { json: {}, headers: { 'Idempotency-Key': 'k2' } });
    expect(second.status).toBe(200);
    expect(counts.requests).toBe(3);
  });

  it('a plugin that closes on every request after the first still fails: the retry on a new connection is reported', async () => {
    const { counts, client } = await rawServer(({ total }, socket) => (total === 1 ? socket.write(OK) : socket.destroy()));
    expect((await client.request('GET', '/health')).status).toBe(200);
    const second = await client.request('GET', '/health');
    expect(second.error?.kind).toBe('reset');
    expect(second.status).toBeUndefined();
    expect(counts).toEqual({ connections: 2, requests: 3 });
  });

  it('part of an answer arrived: not sent again, the reset is reported', async () => {
    const { counts, client } = await rawServer(({ onConnection }, socket) => (onConnection === 1 ? socket.write(OK) : socket.end('HTTP/1.1 200 OK\r\nContent-Le')));
    await client.request('GET', '/health');
    const second = await client.request('GET', '/health');
    expect(second.error).toBeDefined();
    expect(counts.requests).toBe(2);
  });

  it('a fresh connection closed at once is not retried', async () => {
    const { counts, client } = await rawServer((_info, socket) => socket.destroy());
    const exchange = await client.request('GET', '/health');
    expect(exchange.error?.kind).toBe('reset');
    expect(counts.requests).toBe(1);
  });
});

describe('IdleFirstPool', () => {
  it('with two idle already, closes the connection given back (Go\'s tryPutIdleConn), keeping the older two', async () => {
    const pool = new IdleFirstPool('http://127.0.0.1:9', {});
    const [a, b, c] = [pool.acquire(), pool.acquire(), pool.acquire()];
    for (const connection of [a, b, c]) pool.release(connection, true);
    expect(c.closed).toBe(true);
    expect(a.closed).toBe(false);
    expect(pool.acquire()).toBe(b);
    expect(pool.acquire()).toBe(a);
    await pool.destroy();
  });
});
