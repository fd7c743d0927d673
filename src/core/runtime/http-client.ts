/**
 * The HTTP client the conformance checks and the dev host use to talk to a plugin.
 * It behaves like the Loom host (JSON content type and accept on every call, one
 * bounded timeout per call) and never throws for HTTP-level trouble: timeouts, refused
 * or reset connections and oversized bodies are data in the returned `Exchange`.
 * A per-endpoint circuit breaker makes a plugin that hangs on one endpoint cost one
 * timeout, not one per check.
 */
import { request as undiciRequest, type Dispatcher } from 'undici';
import { curlLine } from './curl-line.js';
import { IdleFirstPool } from './idle-first-pool.js';
import { MAX_REDIRECTS, redirectHop, type Hop } from './redirects.js';
import { SseDataParser } from './sse-parser.js';

export interface ExchangeRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export type ExchangeErrorKind = 'timeout' | 'connect' | 'reset' | 'too-large' | 'skipped' | 'other';

export interface Exchange {
  request: ExchangeRequest;
  /** Undefined when no response arrived. */
  status?: number;
  /** Response headers, names lower-cased. */
  headers: Record<string, string>;
  /** Body text, at most maxBytes of it. */
  bodyText: string;
  /** Parsed body when it is JSON. */
  json?: unknown;
  /** Why the body is not JSON (absent when it is, or when there is no body). */
  jsonError?: string;
  durationMs: number;
  truncated: boolean;
  /** `breakerKey`: for `skipped`, the METHOD PATH whose earlier timeout kept it unsent. */
  error?: { kind: ExchangeErrorKind; message: string; breakerKey?: string };
  /** The redirects followed on the way (as the host's Go client follows them), in order. */
  redirects?: RedirectHop[];
}

/** One redirect followed: its status, and the request it led to. */
export interface RedirectHop {
  status: number;
  method: string;
  url: string;
}

export interface StreamExchange extends Exchange {
  /** SSE `data:` payloads in order, e.g. '{"id":...}', '[DONE]'. */
  events: string[];
  /** Milliseconds from sending to the first and the last body byte. */
  firstByteMs?: number;
  lastByteMs?: number;
  /** The plugin still held the response open DONE_GRACE_MS after `data: [DONE]`; it was closed then. */
  openAfterDone?: boolean;
}

export interface PluginClientOptions {
  timeoutMs: number;
  /** Response size cap (default 1 MiB). */
  maxBytes?: number;
  /**
   * Put before every path. `/` reproduces the shipped host with an endpoint that ends in
   * `/`: it joins endpoint and path as strings, so `/health` becomes `//health`.
   */
  pathPrefix?: string;
}

export interface RequestOptions {
  json?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** false: send even when the breaker is open, and do not trip it (default true). */
  breaker?: boolean;
  /**
   * false: respect an open breaker but do not trip it (default true). For requests sent
   * together: one that waits behind the others says the plugin serves one at a time, not
   * that the path hangs.
   */
  trip?: boolean;
  /** Send to baseUrl + path exactly, without the client's pathPrefix. */
  exactPath?: boolean;
  /** false: answer a redirect as it is instead of following it (default true, as the host). */
  redirects?: boolean;
  /**
   * Shared by requests sent together: the time limit counts from the last answer any of
   * them got, so a plugin that serves them one after the other keeps them alive while it
   * makes progress (each answer restarts the clock of the ones still waiting).
   */
  progress?: ProgressClock;
}

/** When the last of a group of requests was answered (performance.now()). */
export interface ProgressClock {
  lastAnswerAt?: number;
}


const DEFAULT_MAX_BYTES = 1024 * 1024;
/**
 * How long a stream is read after `data: [DONE]`: clients stop there (the OpenAI SDKs
 * close the response), so a plugin that never ends it costs this, not a whole timeout;
 * events after [DONE] within it are still seen.
 */
const DONE_GRACE_MS = 500;
/** Only a bound for a connect nobody waits for any more: the call's timer decides first. */
const CONNECT_LIMIT_MS = 5 * 60_000;

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function classify(error: unknown, timedOut: boolean): { kind: ExchangeErrorKind; message: string } {
  const err = error as { code?: string; message?: string; cause?: { code?: string } };
  const code = err?.code ?? err?.cause?.code ?? '';
  const message = err?.message ?? String(error);
  if (timedOut || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return { kind: 'timeout', message };
  }
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL') {
    return { kind: 'connect', message: `connection refused or unreachable (${code})` };
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return { kind: 'reset', message: `connection reset (${message})` };
  return { kind: 'other', message };
}

/**
 * Go's Request.isReplayable, for a body the host can always send again: GET, HEAD,
 * OPTIONS and TRACE, or any method with an Idempotency-Key (or X-Idempotency-Key).
 */
function isReplayable(method: string, headers: Record<string, string>): boolean {
  if (['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(method.toUpperCase())) return true;
  return Object.keys(headers).some((name) => /^(x-)?idempotency-key$/i.test(name));
}

export class PluginClient {
  readonly baseUrl: string;
  readonly pathPrefix: string;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly pool: IdleFirstPool;
  /** METHOD PATH -> when it timed out. */
  private readonly tripped = new Map<string, number>();

  private readonly origin: string;

  constructor(baseUrl: string, options: PluginClientOptions) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
    this.pathPrefix = options.pathPrefix ?? '';
    this.timeoutMs = options.timeoutMs;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    // The one limit per call is send()'s timer (connect + headers + body, as the host's
    // 30 s): undici's own timeouts are off, or they would cut a call the timer allows.
    // Idle connections stay open as long as Go's (IdleConnTimeout 90 s) unless the plugin
    // says otherwise (Keep-Alive: timeout=N): a plugin that sits on an idle connection
    // holds up a second one for as long with the host.
    this.pool = new IdleFirstPool(this.origin, {
      connectTimeout: CONNECT_LIMIT_MS,
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: 90_000,
    });
  }

  request(method: string, path: string, options: RequestOptions = {}): Promise<Exchange> {
    return this.send(method, path, options, false);
  }

  /** POST `json` expecting `text/event-stream`; collects the SSE data events with timings. */
  stream(path: string, json: unknown, options: { timeoutMs?: number; headers?: Record<string, string>; breaker?: boolean } = {}): Promise<StreamExchange> {
    return this.send('POST', path, { ...options, json }, true) as Promise<StreamExchange>;
  }

  /** `envFields`: body keys whose values the line reads from LOOM_CONFIG_<NAME>. */
  curl(exchange: Exchange, secrets: string[] = [], envFields: readonly string[] = []): string {
    return curlLine(exchange.request, secrets, envFields);
  }

  /** METHOD PATH of every call the breaker keeps unsent now. */
  trippedKeys(): string[] {
    return [...this.tripped.keys()];
  }

  /** Forgets earlier timeouts (of `key` only, when given), e.g. after the plugin was restarted or reconfigured. */
  resetBreaker(key?: string): void {
    if (key !== undefined) this.tripped.delete(key);
    else this.tripped.clear();
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private async send(method: string, path: string, options: RequestOptions, streaming: boolean): Promise<Exchange | StreamExchange> {
    const url = this.baseUrl + (options.exactPath ? '' : this.pathPrefix) + path;
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json', ...(options.headers ?? {}) };
    const body = options.rawBody ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
    const exchange: StreamExchange = {
      request: { method, url, headers, ...(body === undefined ? {} : { body }) },
      headers: {},
      bodyText: '',
      durationMs: 0,
      truncated: false,
      events: [],
    };
    const key = `${method.toUpperCase()} ${path}`;
    const useBreaker = options.breaker !== false;
    if (useBreaker && this.tripped.has(key)) {
      exchange.error = { kind: 'skipped', message: `not sent: ${key} timed out earlier in this run`, breakerKey: key };
      return streaming ? exchange : stripStream(exchange);
    }

    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const started = performance.now();
    const progress = options.progress;
    let timer: NodeJS.Timeout;
    const arm = (ms: number) => {
      timer = setTimeout(() => {
        const idleMs = performance.now() - Math.max(started, progress?.lastAnswerAt ?? 0);
        if (idleMs < timeoutMs) return arm(timeoutMs - idleMs);
        timedOut = true;
        const reason = new Error(`no complete answer within ${timeoutMs} ms`);
        controller.abort(reason);
        // An abort does not stop a connect the plugin's full accept queue leaves waiting
        // (SYN retries go on for minutes): the connection is this request's alone, end it.
        void connection.destroy(reason).catch(() => undefined);
      }, ms);
    };
    let connection = this.pool.acquire();
    arm(timeoutMs);
    const decoder = new TextDecoder();
    const sse = new SseDataParser();
    let bytes = 0;
    let bom = false;
    let doneTimer: NodeJS.Timeout | undefined;
    let isEventStream = false;
    try {
      let response!: Dispatcher.ResponseData;
      let hop: Hop = { url, method, headers, ...(body === undefined ? {} : { body }) };
      for (;;) {
        // A redirect to another origin goes out on undici's own connections, not the pool's.
        const own = new URL(hop.url).origin === this.origin;
        for (;;) {
          const mark = own ? this.pool.reuseMark(connection) : undefined;
          try {
            response = await undiciRequest(hop.url, { ...(own ? { dispatcher: connection } : {}), method: hop.method as Dispatcher.HttpMethod, headers: hop.headers, body: hop.body, signal: controller.signal });
            break;
          } catch (error) {
            // Go's Transport (shouldRetryRequest): a replayable request on a reused connection
            // that ended before any byte of the answer met the plugin closing it as idle; it
            // goes again, on the connection the pool gives next. Each try drops a reused
            // connection, so this ends at the latest on a new one, whose failure is reported.
            if (timedOut || !this.pool.nothingAnswered(mark) || !isReplayable(hop.method, hop.headers) || classify(error, false).kind !== 'reset') throw error;
            this.pool.release(connection, false);
            connection = this.pool.acquire();
          }
        }
        // The host's client follows redirects: what counts is the answer at their end.
        const next = options.redirects === false ? undefined : redirectHop(hop, response.statusCode, response.headers.location);
        if (!next) break;
        await response.body.dump();
        exchange.redirects ??= [];
        if (exchange.redirects.length === MAX_REDIRECTS) throw new Error(`stopped after ${MAX_REDIRECTS} redirects (the host's client gives up there)`);
        exchange.redirects.push({ status: response.statusCode, method: next.method, url: next.url });
        hop = next;
      }
      exchange.status = response.statusCode;
      exchange.headers = flattenHeaders(response.headers);
      isEventStream = (exchange.headers['content-type'] ?? '').includes('text/event-stream');
      // Event-based reading: markedly cheaper per request than async iteration.
      await new Promise<void>((resolve) => {
        const body = response.body;
        body.on('data', (chunk: Buffer) => {
          const now = performance.now() - started;
          exchange.firstByteMs ??= now;
          exchange.lastByteMs = now;
          // TextDecoder drops a leading byte order mark; Go's JSON decoder refuses it.
          if (bytes === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) bom = true;
          const room = this.maxBytes - bytes;
          const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
          bytes += piece.length;
          const text = decoder.decode(piece, { stream: true });
          exchange.bodyText += text;
          if (isEventStream) sse.write(text);
          if (isEventStream && doneTimer === undefined && sse.events.includes('[DONE]')) {
            doneTimer = setTimeout(() => {
              exchange.openAfterDone = true;
              body.destroy();
              resolve();
            }, DONE_GRACE_MS);
          }
          if (chunk.length > room) {
            exchange.truncated = true;
            exchange.error = { kind: 'too-large', message: `the response is larger than ${this.maxBytes} bytes` };
            body.destroy();
            resolve();
          }
        });
        body.once('end', () => {
          clearTimeout(doneTimer);
          resolve();
        });
        body.once('close', () => resolve());
        body.once('error', (error) => {
          // Closing the response after [DONE] is ours to do, not the plugin's failure.
          if (!exchange.openAfterDone) exchange.error ??= classify(error, timedOut);
          resolve();
        });
      });
    } catch (error) {
      exchange.error = classify(error, timedOut);
    } finally {
      clearTimeout(timer!);
      clearTimeout(doneTimer);
      // A call that ended in trouble (or was cut after [DONE]) may leave its connection
      // mid-answer: never reuse it.
      this.pool.release(connection, exchange.error === undefined && !exchange.openAfterDone);
    }
    if (progress && exchange.status !== undefined && !exchange.error) progress.lastAnswerAt = performance.now();
    exchange.bodyText += decoder.decode();
    exchange.durationMs = Math.round((performance.now() - started) * 10) / 10;
    if (isEventStream) exchange.events = sse.end();
    if (exchange.error?.kind === 'timeout') {
      exchange.error.message = `timed out after ${timeoutMs} ms (${exchange.status === undefined ? 'no response' : 'body incomplete'})`;
      if (useBreaker && options.trip !== false) this.tripped.set(key, Date.now());
    }
    if (bom && !isEventStream) {
      exchange.jsonError = "the body starts with a UTF-8 byte order mark (EF BB BF), which the host's JSON decoder refuses (invalid character 'ï'); write the JSON without it";
    } else if (exchange.bodyText !== '' && !exchange.truncated && !isEventStream) {
      try {
        exchange.json = JSON.parse(exchange.bodyText);
      } catch (error) {
        exchange.jsonError = (error as Error).message;
      }
    } else if (exchange.truncated) {
      exchange.jsonError = 'the body was cut at the size limit';
    } else if (isEventStream) {
      exchange.jsonError = 'the body is an event stream';
    }
    return streaming ? exchange : stripStream(exchange);
  }
}

function stripStream(exchange: StreamExchange): Exchange {
  const { events: _events, firstByteMs: _first, lastByteMs: _last, ...plain } = exchange;
  return plain;
}

