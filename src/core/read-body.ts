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
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const refuse = (): void => {
      refused = true;
      chunks.length = 0;
      reject(new BodyTooLarge(`The request body is over the limit of ${limit} bytes.`));
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
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (error) => {
      if (!refused) reject(error);
    });
  });
}
