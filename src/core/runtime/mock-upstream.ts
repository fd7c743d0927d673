/**
 * A scriptable provider on 127.0.0.1 and a random free port, speaking the dialect the
 * plugin speaks (OpenAI, Azure OpenAI, Anthropic, Gemini, Ollama, Cohere: see
 * ./dialects/). The conformance suite points a plugin's upstream at it and scripts faults
 * (auth, unknown model, rate limit, overload, reset, hang, garbage, an error mid-stream)
 * to see how the plugin maps each one; `dev --mock-upstream` uses it to work offline.
 * Everything it receives is recorded, with the chat request read in common terms, so
 * checks can verify forwarding whatever the dialect.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { buildReply } from './mock-replies.js';
import { FaultScript, markerOf, type ScriptStep } from './mock-script.js';
import { BodyTooLarge, readBody } from '../read-body.js';
import { findDialect, routeRequest, type AnswerFault, type CommonChat, type Dialect, type DialectName, type IncomingRequest, type MockFault, type NativeAnswer } from './dialects/index.js';
import { openai } from './dialects/openai/index.js';

export { DIALECT_NAMES, MOCK_FAULTS, type MockFault, type DialectName } from './dialects/types.js';

/**
 * The one model id the mock refuses (404 model_not_found); every other id is served and
 * echoed back, so a plugin with its own model list (e.g. a static one) meets no false
 * 404s. The suite sends this id to provoke `model_not_found`.
 */
export const MOCK_UNKNOWN_MODEL = 'loom-plugin-test-unknown-model';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  time: number;
  /** The dialect that served it, and what it was: a chat, a model list, or neither. */
  dialect?: DialectName;
  kind?: 'chat' | 'models';
  /** A chat request read in its dialect's terms (undefined when it could not be read). */
  chat?: CommonChat;
  /** Why the dialect could not read the chat request (what the mock answered 400 for). */
  unreadable?: string;
  /** The key as the dialect carries it (header or query), if any. */
  key?: string;
  /** The script marker the chat carried (see mock-script.ts), if any. */
  marker?: string;
}

export interface MockUpstream {
  url: string;
  apiKey: string;
  /** What the model list lists; chat accepts any model but MOCK_UNKNOWN_MODEL. */
  models: string[];
  /** The pinned dialect, else the one detected from the plugin's requests (undefined until then). */
  readonly dialect: DialectName | undefined;
  /** Its name as people say it ("Anthropic Messages"). */
  readonly dialectTitle: string | undefined;
  /** Whether the dialect was pinned (--upstream-dialect) rather than detected. */
  readonly pinned: boolean;
  /** Script the next N chat requests that carry no scripted marker (FIFO; then back to 'ok'). */
  next(fault: MockFault, options?: { times?: number; retryAfterSeconds?: number }): void;
  /**
   * Script the next N chat requests carrying `markerText(id)`, whatever else is in flight;
   * `unmarked`: requests with no marker at all get it too. Ends with `unscript(id)`.
   */
  script(id: string, fault: MockFault, options?: { times?: number; retryAfterSeconds?: number; unmarked?: boolean }): void;
  unscript(id: string): void;
  /** Resolves once a chat carrying marker `id` arrived. */
  seen(id: string): Promise<void>;
  received: RecordedRequest[];
  /** Clears the queue of next() and the records (the detected dialect and marked scripts stay). */
  reset(): void;
  /** Stops listening and ends every open (also hanging) connection. */
  close(): Promise<void>;
}

export interface MockUpstreamOptions {
  apiKey?: string;
  models?: string[];
  /** Delay between stream chunks (default 20 ms), so first and last byte differ visibly. */
  chunkDelayMs?: number;
  /** How long the `slow` fault holds the ordinary answer back (default 250 ms). */
  slowMs?: number;
  /** Check the key where the dialect carries it (default true). Off for plugins with no api_key field. */
  requireAuth?: boolean;
  /** Speak only this dialect instead of detecting it. */
  dialect?: DialectName;
}

const DEFAULT_API_KEY = 'sk-loom-mock-0123456789abcdef';
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/**
 * The records are bounded: a check reads those since its last reset (a few), but a
 * plugin that polls or floods the mock while `test --keep-running` holds it would grow
 * them without end. The oldest go first, past a count or past their bodies' total size.
 */
const MAX_RECORDS = 256;
const MAX_RECORDED_BYTES = 16 * 1024 * 1024;
const ANSWER_FAULTS: Partial<Record<MockFault, AnswerFault>> = {
  unauthorized: 'unauthorized',
  'not-found': 'not-found',
  'rate-limit': 'rate-limit',
  'server-error': 'server-error',
  unavailable: 'unavailable',
};

function send(res: http.ServerResponse, answer: NativeAnswer): void {
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...answer.headers });
  res.end(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function headersOf(req: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const models = options.models ?? ['mock-small', 'mock-large'];
  const chunkDelayMs = options.chunkDelayMs ?? 20;
  const slowMs = options.slowMs ?? 250;
  const requireAuth = options.requireAuth ?? true;
  const pinned = options.dialect ? findDialect(options.dialect) : undefined;
  if (options.dialect && !pinned) throw new Error(`unknown dialect ${options.dialect}`);
  const script = new FaultScript();
  const received: RecordedRequest[] = [];
  const recordedBytes: number[] = [];
  const remember = (entry: RecordedRequest, bytes: number): void => {
    received.push(entry);
    recordedBytes.push(bytes);
    let total = recordedBytes.reduce((sum, size) => sum + size, 0);
    while (received.length > 1 && (received.length > MAX_RECORDS || total > MAX_RECORDED_BYTES)) {
      received.shift();
      total -= recordedBytes.shift() ?? 0;
    }
  };
  const sockets = new Set<Socket>();
  let detected: Dialect | undefined;
  let closed = false;
  let counter = 0;

  const streamFrames = async (res: http.ServerResponse, dialect: Dialect, frames: string[]) => {
    res.writeHead(200, { 'Content-Type': dialect.stream.contentType, 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    for (const [index, frame] of frames.entries()) {
      if (closed || res.destroyed) return;
      if (index > 0 && chunkDelayMs > 0) await sleep(chunkDelayMs);
      res.write(frame);
    }
    res.end();
  };

  /** Plays a scripted fault; false for 'ok'. */
  const playFault = (step: ScriptStep, dialect: Dialect, chat: CommonChat, model: string, req: http.IncomingMessage, res: http.ServerResponse): boolean | Promise<void> => {
    const answer = ANSWER_FAULTS[step.fault];
    if (answer) {
      send(res, dialect.answer(answer, { model, retryAfterSeconds: step.retryAfterSeconds }));
      return true;
    }
    switch (step.fault) {
      case 'ok':
      case 'slow':
        return false;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'hang':
        return true; // never answer; close() destroys the socket
      case 'malformed':
        if (chat.stream) {
          res.writeHead(200, { 'Content-Type': dialect.stream.contentType, 'Cache-Control': 'no-cache' });
          res.end(dialect.stream.garbage);
        } else {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('{"id": "mock", "choices": [ {"message": garbage');
        }
        return true;
      case 'mid-stream-error': {
        if (!chat.stream) {
          send(res, dialect.answer('server-error', { model, retryAfterSeconds: step.retryAfterSeconds }));
          return true;
        }
        // A good start, then the dialect's own error frame: the status is already 200.
        counter += 1;
        const frames = dialect.stream.frames(buildReply(chat, `mock-${counter}`, model, false));
        return streamFrames(res, dialect, [...frames.slice(0, 2), dialect.stream.error({ model, retryAfterSeconds: step.retryAfterSeconds })]);
      }
    }
    return false;
  };

  const chat = async (dialect: Dialect, read: CommonChat | string, marker: string | undefined, body: unknown, res: http.ServerResponse, req: http.IncomingMessage) => {
    if (typeof read === 'string') return send(res, dialect.answer('bad-request', { model: '', retryAfterSeconds: 0, detail: read }));
    const model = read.model ?? '';
    if (model === MOCK_UNKNOWN_MODEL) return send(res, dialect.answer('not-found', { model, retryAfterSeconds: 0 }));
    const step = script.pick(marker);
    if (step.fault === 'slow') await sleep(slowMs);
    if (closed || res.destroyed) return;
    const faulted = playFault(step, dialect, read, model, req, res);
    if (faulted !== false) return faulted === true ? undefined : faulted;
    counter += 1;
    const includeUsage = Boolean(body && typeof body === 'object' && (body as { stream_options?: { include_usage?: unknown } }).stream_options?.include_usage === true);
    const reply = buildReply(read, `mock-${counter}`, model, includeUsage);
    if (!read.stream) return send(res, { status: 200, body: dialect.completion(reply) });
    return streamFrames(res, dialect, dialect.stream.frames(reply));
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, text: string) => {
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request: IncomingRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: headersOf(req) };
    const record: RecordedRequest = { method: request.method, path: request.path, headers: request.headers, body, time: Date.now() };
    remember(record, text.length);
    const routed = routeRequest(request, pinned, detected);
    const speaker = routed?.dialect ?? pinned ?? detected ?? openai;
    if (!routed) return send(res, speaker.answer('unknown-route', { model: '', retryAfterSeconds: 0, detail: `${request.method} ${request.path}` }));
    if (!pinned && !detected && routed.sure) detected = routed.dialect;
    record.dialect = speaker.name;
    record.kind = routed.match.kind;
    const key = speaker.key(request);
    if (key !== undefined) record.key = key;
    // Read a chat before judging the key, so a refused request still shows what was sent.
    const read = routed.match.kind === 'chat' ? speaker.read(body, routed.match, request) : undefined;
    const marker = typeof read === 'object' ? markerOf(read) : undefined;
    if (marker !== undefined) record.marker = marker;
    if (typeof read === 'object') record.chat = read;
    if (typeof read === 'string') record.unreadable = read;
    if (requireAuth && key !== apiKey) return send(res, speaker.answer('unauthorized', { model: '', retryAfterSeconds: 0 }));
    if (read === undefined) return send(res, { status: 200, body: speaker.models(models) });
    return chat(speaker, read, marker, body, res, req);
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      let text = '';
      try {
        text = await readBody(req, MAX_BODY_BYTES);
      } catch (error) {
        // An answer, not a cut connection: the client would only see a reset.
        if (error instanceof BodyTooLarge) send(res, { status: 413, body: { error: { message: error.message, type: 'invalid_request_error', param: null, code: 'request_too_large' } } });
        else res.destroy();
        return;
      }
      await handle(req, res, text);
    })().catch(() => {
      if (!res.headersSent) send(res, (detected ?? openai).answer('server-error', { model: '', retryAfterSeconds: 0 }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    models: [...models],
    received,
    get dialect() {
      return (pinned ?? detected)?.name;
    },
    get dialectTitle() {
      return (pinned ?? detected)?.title;
    },
    pinned: pinned !== undefined,
    next(fault, { times = 1, retryAfterSeconds = 7 } = {}) {
      script.next({ fault, retryAfterSeconds }, times);
    },
    script(id, fault, { times = 1, retryAfterSeconds = 7, unmarked = false } = {}) {
      script.mark(id, { fault, retryAfterSeconds }, { times, unmarked });
    },
    unscript: (id) => script.unmark(id),
    seen: (id) => script.seen(id),
    reset() {
      script.clearQueue();
      received.length = 0;
      recordedBytes.length = 0;
    },
    close() {
      closed = true;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
    },
  };
}
