/**
 * The body cap the mock upstream and the dev host share: a body within the limit is read
 * whole; one over it is refused (BodyTooLarge) and the connection is cut, so the server
 * never buffers more than the limit.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyTooLarge, readBody } from '../../src/core/read-body.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function post(limit: number, body: string): Promise<{ read?: string; error?: unknown }> {
  const outcome = new Promise<{ read?: string; error?: unknown }>((resolve) => {
    server = createServer((req, res) => {
      readBody(req, limit).then(
        (read) => {
          res.end('ok');
          resolve({ read });
        },
        (error: unknown) => resolve({ error }),
      );
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server!.address() as AddressInfo;
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/' });
  req.on('error', () => {}); // the server cuts an oversized upload
  req.on('response', (res) => res.resume());
  req.end(body);
  return outcome;
}

describe('readBody', () => {
  it('reads a body within the limit as UTF-8 text', async () => {
    expect(await post(16, 'héllo')).toEqual({ read: 'héllo' });
  });

  it('refuses a body over the limit', async () => {
    const { error } = await post(16, 'x'.repeat(64 * 1024));
    expect(error).toBeInstanceOf(BodyTooLarge);
    expect((error as Error).message).toBe('Request body over 16 bytes.');
  });
});
