/**
 * Bounded ring buffer of requests that went through the OpenAI-compatible door. Bodies
 * are stored raw (cheap on the hot path) and masked when they leave: `entries()` masks.
 */
import { CURL_BODY_FLAG, shellQuote } from '../runtime/curl-line.js';
import type { SecretMasker } from '../runtime/mask-secrets.js';
import type { RequestLogEntry } from './types.js';

/** Bodies longer than this are cut in the log (the request itself is never cut). */
export const LOG_BODY_LIMIT = 64 * 1024;

/** What the ring holds: the entry as the door built it, wrapped (not copied) with its id. */
interface StoredEntry {
  id: number;
  hostUrl: string;
  entry: Omit<RequestLogEntry, 'id' | 'curl'>;
}

export class RequestLog {
  private nextId = 1;
  private readonly ring: StoredEntry[] = [];

  constructor(private readonly secrets: SecretMasker, private readonly size = 200) {}

  /** Hot path: stores the raw entry; the curl line and masking happen when it is read. */
  add(entry: Omit<RequestLogEntry, 'id' | 'curl'>, hostUrl: string): StoredEntry {
    const stored: StoredEntry = { id: this.nextId++, hostUrl, entry };
    // A ring: overwrite the oldest slot instead of shifting the array on every request.
    this.ring[(stored.id - 1) % this.size] = stored;
    return stored;
  }

  /** The entry as it may leave the process: with its curl line, secrets masked. */
  mask(stored: StoredEntry): RequestLogEntry {
    const { hostUrl, entry, id } = stored;
    // Field by field (not a JSON round trip): this runs once per request when someone listens.
    const mask = (text: string): string => this.secrets.mask(text);
    // Bodies are JSON text: masked as values, so they stay JSON (and the curl line works).
    const requestBody = this.secrets.maskJsonText(entry.requestBody);
    return {
      id,
      ...entry,
      model: entry.model === undefined ? undefined : mask(entry.model),
      requestBody,
      responseBody: this.secrets.maskJsonText(entry.responseBody),
      error: entry.error === undefined ? undefined : mask(entry.error),
      // The sentences quote values of the answer, which may echo a secret.
      ...(entry.warnings ? { warnings: entry.warnings.map(mask) } : {}),
      curl: curlLine(hostUrl, entry.method, entry.path, requestBody),
    };
  }

  entries(): RequestLogEntry[] {
    // When full, the slot written next holds the oldest entry.
    const start = this.ring.length < this.size ? 0 : (this.nextId - 1) % this.size;
    return [...this.ring.slice(start), ...this.ring.slice(0, start)].map((entry) => this.mask(entry));
  }
}

/**
 * A copyable curl line; the token is left as a variable so the line itself holds no
 * secret. The body goes as written, the way the test reporter's lines send it.
 */
export function curlLine(hostUrl: string, method: string, path: string, body: string): string {
  const parts = ['curl', '-sS'];
  if (method !== 'GET') parts.push('-X', method);
  parts.push(shellQuote(`${hostUrl}${path}`), '-H', `"Authorization: Bearer $LOOM_DEV_TOKEN"`);
  if (body) parts.push('-H', shellQuote('Content-Type: application/json'), CURL_BODY_FLAG, shellQuote(body));
  return parts.join(' ');
}
