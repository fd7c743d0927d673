/**
 * Bounded ring buffer of requests that went through the OpenAI-compatible door. Bodies
 * are stored raw (cheap on the hot path) and masked when they leave: `entries()` masks.
 * The check of an answer against the wire schemas (answer-shape.ts) also runs when the
 * entry is first read (the terminal line, the page, /api/requests), not per request.
 */
import { CURL_BODY_FLAG, shellQuote } from '../runtime/curl-line.js';
import type { SecretMasker } from '../runtime/mask-secrets.js';
import type { AnswerShapes } from './answer-shape.js';
import type { RequestLogEntry } from './types.js';

/** Bodies longer than this are cut in the log (the request itself is never cut). */
export const LOG_BODY_LIMIT = 64 * 1024;

/** What the ring holds: the entry as the door built it, wrapped (not copied) with its id. */
interface StoredEntry {
  id: number;
  hostUrl: string;
  entry: Omit<RequestLogEntry, 'id' | 'curl'>;
  /** The answer's schema warnings once checked (empty: checked, nothing wrong). */
  checked?: string[];
}

export class RequestLog {
  private nextId = 1;
  private readonly ring: StoredEntry[] = [];

  constructor(private readonly secrets: SecretMasker, private readonly size = 200, private readonly shapes?: AnswerShapes) {}

  /** Hot path: stores the raw entry; the curl line and masking happen when it is read. */
  add(entry: Omit<RequestLogEntry, 'id' | 'curl'>, hostUrl: string): StoredEntry {
    const stored: StoredEntry = { id: this.nextId++, hostUrl, entry };
    // A ring: overwrite the oldest slot instead of shifting the array on every request.
    this.ring[(stored.id - 1) % this.size] = stored;
    return stored;
  }

  /** The entry as it may leave the process: with its curl line, secrets masked. */
  mask(stored: StoredEntry): RequestLogEntry {
    return new MaskedEntry(stored, this.secrets, this.warnings).toJSON();
  }

  /**
   * The same, for the event of each request: the short fields at once (the terminal line
   * needs nothing else), the bodies and the curl line masked when first read or when the
   * event is serialised (the page). Masking two bodies of up to 64 KiB and quoting one
   * for the shell, per request, for a listener that never looks at them, would be most
   * of what the door costs over a bare proxy.
   */
  event(stored: StoredEntry): RequestLogEntry {
    return new MaskedEntry(stored, this.secrets, this.warnings);
  }

  /** What the answer gets wrong for the shipped host (unmasked), checked once. */
  private readonly warnings = (stored: StoredEntry): string[] => {
    if (stored.checked) return stored.checked;
    const { status, stream, responseBody, truncated, warnings } = stored.entry;
    stored.checked = warnings ?? this.shapes?.warnings(status, stream, responseBody, truncated) ?? [];
    return stored.checked;
  };

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

/** A request log entry on its way out: short fields masked now, the rest when read. */
class MaskedEntry implements RequestLogEntry {
  readonly id: number;
  readonly time: number;
  readonly method: string;
  readonly path: string;
  readonly provider: string | undefined;
  readonly model: string | undefined;
  readonly status: number | undefined;
  readonly durationMs: number;
  readonly stream: boolean;
  readonly truncated: boolean;
  readonly error: string | undefined;
  // Private (#) so that nothing can print or copy the raw entry or the secrets by accident
  // (util.inspect, a spread, structuredClone): only the masked own fields show.
  readonly #stored: StoredEntry;
  readonly #secrets: SecretMasker;
  readonly #check: (stored: StoredEntry) => string[];
  #warnings: string[] | undefined;
  #requestBody: string | undefined;
  #responseBody: string | undefined;
  #curl: string | undefined;

  constructor(stored: StoredEntry, secrets: SecretMasker, check: (stored: StoredEntry) => string[]) {
    const { entry } = stored;
    this.#stored = stored;
    this.#secrets = secrets;
    this.#check = check;
    this.id = stored.id;
    this.time = entry.time;
    this.method = entry.method;
    this.path = entry.path;
    this.provider = entry.provider;
    this.model = entry.model === undefined ? undefined : secrets.mask(entry.model);
    this.status = entry.status;
    this.durationMs = entry.durationMs;
    this.stream = entry.stream;
    this.truncated = entry.truncated;
    this.error = entry.error === undefined ? undefined : secrets.mask(entry.error);
  }

  /** None when the answer is fine (or was not a 200, or was cut). */
  get warnings(): string[] | undefined {
    // The sentences quote values of the answer, which may echo a secret.
    this.#warnings ??= this.#check(this.#stored).map((text) => this.#secrets.mask(text));
    return this.#warnings.length > 0 ? this.#warnings : undefined;
  }

  // Bodies are JSON text: masked as values, so they stay JSON (and the curl line works).
  get requestBody(): string {
    return (this.#requestBody ??= this.#secrets.maskJsonText(this.#stored.entry.requestBody));
  }

  get responseBody(): string {
    return (this.#responseBody ??= this.#secrets.maskJsonText(this.#stored.entry.responseBody));
  }

  get curl(): string {
    return (this.#curl ??= curlLine(this.#stored.hostUrl, this.method, this.path, this.requestBody));
  }

  /** The plain entry, every field masked (what JSON.stringify writes). */
  toJSON(): RequestLogEntry {
    const { id, time, method, path, provider, model, status, durationMs, stream, requestBody, responseBody, truncated, error, warnings, curl } = this;
    return { id, time, method, path, provider, model, status, durationMs, stream, requestBody, responseBody, truncated, error, ...(warnings ? { warnings } : {}), curl };
  }
}
