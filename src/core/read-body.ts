/**
 * Reads an incoming request body as UTF-8 text, refusing more than `limit` bytes. Past
 * the limit nothing more is kept, but the rest of the upload is read and dropped, so the
 * caller's error answer (413) reaches the client: cutting the socket while the client
 * still sends makes it see a connection reset instead. An upload that goes on far past
 * the limit (by more than `drainBytes`) is cut after all. Used by the mock upstream and the dev host.
 */
import type { IncomingMessage } from 'node:http';

export class BodyTooLarge extends Error {}

/** How far past the limit an upload is drained (read and dropped) before the socket is cut. */
export const DRAIN_BYTES = 64 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit: number, drainBytes = DRAIN_BYTES): Promise<string> {
  return new Promise((resolve, reject) => readBodyThen(req, limit, (error, text) => (error ? reject(error) : resolve(text)), drainBytes));
}

/**
 * readBody with a callback, for the dev host's chat door: no promise per request. `done`
 * is called once, with the body (decoded once) or an error; a body over the limit gives
 * BodyTooLarge.
 */
export function readBodyThen(
  req: IncomingMessage,
  limit: number,
  done: (error: Error | undefined, text: string) => void,
  drainBytes = DRAIN_BYTES,
): void {
  let chunks: Buffer[] | undefined;
  let first: Buffer | undefined;
  let size = 0;
  let refused = false;
  let settled = false;
  const settle = (error: Error | undefined, text: string): void => {
    if (settled) return;
    settled = true;
    done(error, text);
  };
  const refuse = (): void => {
    refused = true;
    first = undefined;
    chunks = undefined;
    settle(new BodyTooLarge(`The request body is over the limit of ${limit} bytes.`), '');
  };
  // A declared length over the limit is refused before a byte is read.
  if (Number(req.headers['content-length'] ?? 0) > limit) refuse();
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (refused) {
      if (size > limit + drainBytes) req.destroy();
      return;
    }
    if (size > limit) return refuse();
    // Most bodies arrive as one chunk: no array and no copy for those.
    if (first === undefined) first = chunk;
    else (chunks ??= [first]).push(chunk);
  });
  req.on('end', () => {
    if (refused) return;
    const body = chunks ? Buffer.concat(chunks, size) : first;
    settle(undefined, body ? body.toString('utf8') : '');
  });
  req.on('error', (error) => {
    if (!refused) settle(error, '');
  });
}
