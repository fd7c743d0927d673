/**
 * Bounded ring buffer of requests that went through the OpenAI-compatible door. Bodies
 * are stored raw (cheap on the hot path) and masked when they leave: `entries()` masks.
 */
import type { SecretSet } from './event-bus.js';
import type { RequestLogEntry } from './types.js';

/** Bodies longer than this are cut in the log (the request itself is never cut). */
export const LOG_BODY_LIMIT = 64 * 1024;

export class RequestLog {
  private nextId = 1;
  private readonly ring: RequestLogEntry[] = [];

  constructor(private readonly secrets: SecretSet, private readonly size = 200) {}

  add(entry: Omit<RequestLogEntry, 'id' | 'curl'>, hostUrl: string): RequestLogEntry {
    const full: RequestLogEntry = { ...entry, id: this.nextId++, curl: curlLine(hostUrl, entry.method, entry.path, entry.requestBody) };
    this.ring.push(full);
    if (this.ring.length > this.size) this.ring.shift();
    return this.mask(full);
  }

  mask(entry: RequestLogEntry): RequestLogEntry {
    return this.secrets.maskValue(entry);
  }

  entries(): RequestLogEntry[] {
    return this.ring.map((entry) => this.mask(entry));
  }
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A copyable curl line; the token is left as a variable so the line itself holds no secret. */
export function curlLine(hostUrl: string, method: string, path: string, body: string): string {
  const parts = ['curl', '-sS'];
  if (method !== 'GET') parts.push('-X', method);
  parts.push(shellQuote(`${hostUrl}${path}`), '-H', `"Authorization: Bearer $LOOM_DEV_TOKEN"`);
  if (body) parts.push('-H', shellQuote('Content-Type: application/json'), '-d', shellQuote(body));
  return parts.join(' ');
}
