/**
 * The body cap the mock upstream and the dev host share: a body within the limit is read
 * whole; one over it is refused (BodyTooLarge) without being kept, and the rest of the
 * upload is drained so the server's 413 reaches the client instead of a connection reset.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyTooLarge, readBody } from '../../src/core/read-body.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Posts `body` in chunks (no Content-Length unless `declare`); the server answers 413 on BodyTooLarge. */
async function post(limit: number, body: string, declare = false): Promise<{ read?: string; error?: unknown; status?: number; clientError?: string }> {
  let serverSide: { read?: string; error?: unknown } = {};
  server = createServer((req, res) => {
    readBody(req, limit).then(
      (read) => {
        serverSide = { read };
        res.end('ok');
      },
      (error: unknown) => {
        serverSide = { error };
        res.writeHead(413).end('too large');
      },
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server!.address() as AddressInfo;
  const client = await new Promise<{ status?: number; clientError?: string }>((resolve) => {
    // agent: false, so no kept-alive socket holds server.close() up after the test.
    const req = request({ agent: false, host: '127.0.0.1', port, method: 'POST', path: '/', headers: declare ? { 'content-length': Buffer.byteLength(body) } : {} });
    req.on('error', (error) => resolve({ clientError: (error as NodeJS.ErrnoException).code ?? error.message }));
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
    });
    // Several writes, as a real upload arrives: the refusal comes while the client still sends.
    for (let at = 0; at < body.length; at += 16 * 1024) req.write(body.slice(at, at + 16 * 1024));
    req.end();
  });
  return { ...serverSide, ...client };
}

describe('readBody', () => {
  it('reads a body within the limit as UTF-8 text', async () => {
    expect(await post(16, 'héllo')).toEqual({ read: 'héllo', status: 200 });
  });

  it('refuses a body over the limit, and the answer reaches the client (no reset)', async () => {
    const outcome = await post(16, 'x'.repeat(1024 * 1024));
    expect(outcome.error).toBeInstanceOf(BodyTooLarge);
    expect((outcome.error as Error).message).toBe('The request body is over the limit of 16 bytes.');
    expect(outcome.clientError).toBeUndefined();
    expect(outcome.status).toBe(413);
  });

  it('refuses a declared Content-Length over the limit before reading it', async () => {
    const outcome = await post(16, 'x'.repeat(64 * 1024), true);
    expect(outcome.error).toBeInstanceOf(BodyTooLarge);
    expect(outcome.status).toBe(413);
  });
});
