/**
 * /api/events under clients that do not read: what the host holds per client stays under
 * the bound, slow clients are told and cut off, the number of streams is capped, and a
 * client that reads keeps getting every event. Real sockets on 127.0.0.1; the bus is fed
 * like a plugin that logs as fast as it can.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../src/core/dev/event-bus.js';
import { openEventStream, type EventStreamLimits } from '../../src/core/dev/event-stream.js';
import { SecretMasker } from '../../src/core/runtime/mask-secrets.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copyFixture, FIXTURES, startTestHost, waitUntil, type TestHost } from './helpers.js';

const LIMITS: EventStreamLimits = { maxStreams: 4, maxQueuedBytes: 64 * 1024, replayBytes: 16 * 1024, closeGraceMs: 60_000, heartbeatMs: 60_000 };
const LINE = 'x'.repeat(8000); // the longest log line a plugin can send is cut to 8 KiB

let server: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function eventServer(bus: EventBus, streams: Set<ServerResponse>): Promise<number> {
  server = createServer((req, res) => openEventStream(req, res, bus, streams, LIMITS));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** A client that sends the request and then never reads (its socket is paused). */
function stalledClient(port: number): Promise<{ socket: Socket; received: () => string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      socket.pause();
      resolve({ socket, received: () => chunks.join('') });
    });
    const chunks: string[] = [];
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => chunks.push(chunk));
    socket.on('error', () => undefined);
    sockets.push(socket);
  });
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('event stream bounds', () => {
  it('holds at most the bound per stalled client, tells it, cuts it off, and keeps serving a reader', async () => {
    const bus = new EventBus(new SecretMasker());
    const streams = new Set<ServerResponse>();
    const port = await eventServer(bus, streams);
    for (let i = 0; i < 10; i++) bus.emit({ type: 'log', key: 'p', stream: 'stdout', text: LINE });

    const stalled = await Promise.all([stalledClient(port), stalledClient(port), stalledClient(port)]);
    const stopReading = new AbortController();
    const reader = await fetch(`http://127.0.0.1:${port}/api/events`, { signal: stopReading.signal });
    let readBytes = 0;
    let readerDone = false;
    const pump = (async () => {
      for await (const chunk of reader.body!) readBytes += (chunk as Uint8Array).length;
      readerDone = true;
    })();
    await waitUntil(() => streams.size === 4);
    // The fifth stream is refused with a sentence.
    const refused = await fetch(`http://127.0.0.1:${port}/api/events`);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toContain('Too many event streams');

    // A plugin logging fast: 40 MB through the bus, more than any socket buffer takes.
    let maxQueued = 0;
    for (let i = 0; i < 5000 && streams.size > 1; i++) {
      bus.emit({ type: 'log', key: 'p', stream: 'stdout', text: LINE });
      for (const res of streams) maxQueued = Math.max(maxQueued, res.writableLength);
      await tick(); // the pace of a plugin writing to a pipe: one line per turn of the event loop
    }
    // Never more than the bound plus the one event that crossed it.
    expect(maxQueued).toBeLessThanOrEqual(LIMITS.maxQueuedBytes + LINE.length + 200);
    // The stalled clients were cut off; the reader was not.
    await waitUntil(() => streams.size === 1, 10_000);
    expect(readerDone).toBe(false);
    expect(readBytes).toBeGreaterThan(1_000_000);

    // A stalled client that reads again finds the notice at the end of what it got.
    const [first] = stalled;
    first!.socket.resume();
    await waitUntil(() => first!.received().includes('"type":"overflow"'), 10_000);
    expect(first!.received()).toContain('fell more than 65536 bytes behind');
    stopReading.abort();
    await pump.catch(() => undefined);
  }, 60_000);

  it('the replay on connect is capped, newest events kept', async () => {
    const bus = new EventBus(new SecretMasker());
    for (let i = 0; i < 100; i++) bus.emit({ type: 'log', key: 'p', stream: 'stdout', text: `${i} ${LINE}` });
    const streams = new Set<ServerResponse>();
    const port = await eventServer(bus, streams);
    const client = await stalledClient(port);
    client.socket.resume();
    await waitUntil(() => client.received().includes('"text":"99 '));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const text = client.received();
    expect(Buffer.byteLength(text)).toBeLessThan(LIMITS.replayBytes + 1024);
    expect(text).not.toContain('"text":"0 ');
  });

  it('serialises an event once for all open streams, and each of them receives it', async () => {
    const bus = new EventBus(new SecretMasker());
    const streams = new Set<ServerResponse>();
    const port = await eventServer(bus, streams);
    const clients = [await stalledClient(port), await stalledClient(port), await stalledClient(port)];
    for (const client of clients) client.socket.resume();
    await waitUntil(() => streams.size === 3);
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      bus.emit({ type: 'log', key: 'p', stream: 'stdout', text: 'once-for-all' });
      const framed = stringify.mock.calls.filter(([value]) => (value as { text?: unknown } | null)?.text === 'once-for-all');
      expect(framed).toHaveLength(1);
    } finally {
      stringify.mockRestore();
    }
    for (const client of clients) await waitUntil(() => client.received().includes('"text":"once-for-all"'));
  });
});

let t: TestHost | undefined;
afterEach(async () => {
  await t?.host.close();
  t = undefined;
});

describe('the dev host caps its event streams', () => {
  it('answers 503 past 16 streams, and takes a new one when one closes', async () => {
    t = await startTestHost({ path: `${FIXTURES}echo`, watch: false });
    const open = await Promise.all(Array.from({ length: 16 }, () => fetch(`${t!.host.url}/api/events`, { headers: { authorization: `Bearer ${t!.host.token}` } })));
    expect(open.map((r) => r.status)).toEqual(Array(16).fill(200));
    const extra = await t.call('GET', '/api/events');
    expect(extra.status).toBe(503);
    expect(extra.headers.get('retry-after')).toBe('5');
    await open[0]!.body?.cancel();
    await waitUntil(async () => {
      const again = await fetch(`${t!.host.url}/api/events`, { headers: { authorization: `Bearer ${t!.host.token}` } });
      const ok = again.status === 200;
      await again.body?.cancel();
      return ok;
    });
    for (const response of open.slice(1)) await response.body?.cancel();
  }, 30_000);
});

describe('a /v1 stream to a client that does not read', () => {
  it('is read from the plugin only as fast as the client takes it', async () => {
    const copy = await copyFixture('echo');
    const flood = 64 * 1024 * 1024;
    await writeFile(join(copy.dir, 'behaviour.json'), JSON.stringify({ floodBytes: flood }));
    try {
      t = await startTestHost({ path: copy.dir, watch: false });
      await t.host.ready;
      const plugin = t.host.state()[0]!;
      const body = JSON.stringify({ model: plugin.models[0]?.id, stream: true, messages: [{ role: 'user', content: 'flood' }] });
      const url = new URL(t.host.url);
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${t!.host.token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        socket.pause(); // and never read
      });
      sockets.push(socket);
      const sent = async (): Promise<number> => ((await (await fetch(`http://127.0.0.1:${plugin.port}/flooded`)).json()) as { sent: number }).sent;
      await waitUntil(async () => (await sent()) > 0, 10_000);
      // Give an unbounded relay ample time to take all 64 MB into the host's memory.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      // What got out of the plugin sits in socket buffers (a few MB), not in the host.
      expect(await sent()).toBeLessThan(flood / 2);
    } finally {
      await t?.host.close();
      t = undefined;
      await copy.remove();
    }
  }, 60_000);
});

describe('the dev host caps its connections', () => {
  it('closes connections past 256 at once', async () => {
    t = await startTestHost({ path: `${FIXTURES}echo`, watch: false });
    const url = new URL(t.host.url);
    const open = (): Promise<Socket> =>
      new Promise((resolve) => {
        const socket = connect(Number(url.port), url.hostname, () => resolve(socket));
        socket.on('error', () => undefined);
        sockets.push(socket);
      });
    const held: Socket[] = [];
    for (let i = 0; i < 256; i++) held.push(await open());
    const extra = await open();
    // The server drops it without reading a byte; the held ones stay open.
    const closed = await new Promise<boolean>((resolve) => {
      extra.once('close', () => resolve(true));
      setTimeout(() => resolve(false), 10_000);
    });
    expect(closed).toBe(true);
    expect(held.every((socket) => !socket.destroyed)).toBe(true);
  }, 60_000);
});
