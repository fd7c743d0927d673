/**
 * The OpenAI-compatible door: `GET /v1/models` lists every hosted plugin's models and
 * `POST /v1/chat/completions` goes to the plugin that owns the model. Successful answers
 * (body, SSE chunks) are passed through as the plugin gave them, as they arrive. Errors
 * are spoken in OpenAI's shape (openai-errors.ts): a plugin's `{code, message, transient}`
 * becomes `{"error": {...}}` with the matching status, in streams too, and the host's own
 * answers (unknown model, nothing serving) use the same shape.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { BodyTooLarge, readBodyThen } from '../read-body.js';
import { MAX_BODY_BYTES, openAiError, sendHostError, sendJson } from './http-util.js';
import type { PluginInstance } from './plugin-instance.js';
import type { AnswerShapes } from './answer-shape.js';
import { SseErrorRewriter, translateErrorAnswer } from './openai-errors.js';
import { LOG_BODY_LIMIT } from './request-log.js';
import type { PluginSlot } from './plugin-slot.js';
import type { RequestLogEntry } from './types.js';

/** Plain answers up to this size are sent in one write; bigger ones are streamed. */
const HOLD_LIMIT = 256 * 1024;

/** Response headers not to forward: they describe the plugin's connection, not the answer. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);

export interface Router {
  /** Serving slots, in discovery order. */
  serving(): PluginSlot[];
  /** Model id -> owning slot (first plugin wins for a shared id). */
  modelOwner(model: string): PluginSlot | undefined;
}

export type LogRequest = (entry: Omit<RequestLogEntry, 'id' | 'curl'>) => void;

/** Masks secrets in text the host writes itself (error messages it translates). */
export type MaskText = (text: string) => string;

export function listModels(res: ServerResponse, router: Router): void {
  const data = router.serving().flatMap((slot) =>
    (slot.active?.models ?? []).map((model) => ({
      id: model.id,
      object: 'model',
      created: Math.floor((slot.active?.servingSince ?? 0) / 1000),
      owned_by: slot.providerType ?? slot.key,
    })),
  );
  sendJson(res, 200, { object: 'list', data });
}

/**
 * POST /v1/chat/completions. Callbacks, not promises: one body read, one parse (the model
 * routes the request and names it in the log), then the forward; nothing on this path
 * allocates what a bare proxy would not, beyond the log entry.
 */
export function chatCompletions(
  req: IncomingMessage,
  res: ServerResponse,
  router: Router,
  log: LogRequest,
  mask: MaskText = (text) => text,
  shapes?: AnswerShapes,
): void {
  const started = performance.now();
  const time = Date.now();
  readBodyThen(req, MAX_BODY_BYTES, (error, body, bytes) => {
    if (error) {
      if (error instanceof BodyTooLarge) openAiError(res, 413, error.message, 'request_too_large');
      return;
    }
    // Called from a stream event, not a promise: a bug here must still become a 500.
    try {
      route(res, router, log, mask, shapes, body, bytes, started, time);
    } catch (failure) {
      sendHostError(res, failure, mask);
    }
  });
}

function route(
  res: ServerResponse,
  router: Router,
  log: LogRequest,
  mask: MaskText,
  shapes: AnswerShapes | undefined,
  body: string,
  bytes: number,
  started: number,
  time: number,
): void {
  let model: string | undefined;
  let stream = false;
  try {
    const parsed = JSON.parse(body) as { model?: unknown; stream?: unknown };
    if (typeof parsed.model === 'string') model = parsed.model;
    stream = parsed.stream === true;
  } catch {
    // Not JSON: the plugin decides what to answer (it owes an invalid_request error).
  }
  const serving = router.serving();
  const slot = (model !== undefined ? router.modelOwner(model) : undefined) ?? (serving.length === 1 ? serving[0] : undefined);
  const instance = slot?.active;
  // One literal with every field, built once when the request ends: spreading partial
  // entries cost more CPU per request than the routing and the guards together.
  const entry = (status: number | undefined, responseBody: string, truncated: boolean, error: string | undefined): LogEntry => ({
    time, method: 'POST', path: '/v1/chat/completions', provider: slot?.providerType, model, status,
    durationMs: performance.now() - started, stream, requestBody: body.length > LOG_BODY_LIMIT ? body.slice(0, LOG_BODY_LIMIT) : body,
    responseBody, truncated, error,
  });
  if (!slot || !instance) {
    const [status, message, code] = serving.length === 0
      ? [503, 'No plugin is serving right now (see the dev host terminal or page).', 'no_plugin_serving']
      : [404, `No hosted plugin has the model '${model ?? ''}'. GET /v1/models lists them.`, 'model_not_found'];
    openAiError(res, status, message, code, status === 503 ? 'api_error' : 'invalid_request_error');
    log({ ...entry(status, message, false, undefined), provider: undefined });
    return;
  }
  forward(res, instance, body, bytes, mask, (status, responseBody, truncated, error) => {
    const logged = entry(status, responseBody, truncated, error);
    // After the answer went out: the client never waits for this check.
    const warnings = shapes?.warnings(status, stream, responseBody, truncated);
    log(warnings?.length ? { ...logged, warnings } : logged);
  });
}

type LogEntry = Omit<RequestLogEntry, 'id' | 'curl'>;

/** The first LOG_BODY_LIMIT bytes of an answer, kept as buffers and decoded once at the end. */
class LogCapture {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  truncated = false;

  add(chunk: Buffer): void {
    if (this.truncated) return;
    const room = LOG_BODY_LIMIT - this.bytes;
    if (chunk.length > room) {
      this.chunks.push(chunk.subarray(0, room));
      this.bytes = LOG_BODY_LIMIT;
      this.truncated = true;
    } else {
      this.chunks.push(chunk);
      this.bytes += chunk.length;
    }
  }

  text(): string {
    return (this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes)).toString('utf8');
  }
}

/**
 * The plugin's response headers minus hop-by-hop ones and its Content-Length, as the
 * flat list writeHead takes. The length is the host's to state: exact for a held answer,
 * none (chunked) for a streamed one.
 */
function forwardedHeaders(raw: string[]): string[] {
  const headers: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP.has(lower) && lower !== 'content-length') headers.push(name, raw[i + 1]!);
  }
  return headers;
}

/**
 * Proxies one chat request with node:http over the instance's keep-alive agent (measured
 * lighter than undici on this short hop), writing each chunk out as it arrives. The log
 * keeps what the client received (errors as translated).
 */
function forward(
  res: ServerResponse,
  instance: PluginInstance,
  body: string,
  bytes: number,
  mask: MaskText,
  done: (status: number | undefined, responseBody: string, truncated: boolean, error: string | undefined) => void,
): void {
  instance.acquire();
  const capture = new LogCapture();
  let status: number | undefined;
  let finished = false;
  const finish = (error?: string): void => {
    if (finished) return;
    finished = true;
    instance.release();
    done(status, capture.text(), capture.truncated, error);
  };
  const { protocol, hostname, port } = instance.target;
  const upstream = httpRequest({
    protocol,
    hostname,
    port,
    path: instance.chatPath,
    method: 'POST',
    agent: instance.agent,
    headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': bytes },
  });
  // The agent saw no byte from the plugin for 120 s (plugin-agent.ts).
  upstream.on('timeout', () => upstream.destroy(new Error('The plugin sent nothing for 120 s.')));
  upstream.on('response', (answer) => {
    status = answer.statusCode ?? 502;
    answer.on('error', (error) => {
      res.destroy();
      finish(error.message);
    });
    if (status !== 200) {
      relayError(res, answer, mask, (sent, text) => {
        status = sent;
        capture.add(Buffer.from(text));
        finish();
      });
      return;
    }
    const headers = forwardedHeaders(answer.rawHeaders);
    // Streams go out chunk by chunk as they arrive (Loom error events rewritten on the
    // way). A plain answer is held (up to HOLD_LIMIT) and sent with its headers in one
    // write; see sendHeld.
    const rewriter = String(answer.headers['content-type'] ?? '').includes('text/event-stream') ? new SseErrorRewriter(mask) : undefined;
    let streaming = rewriter !== undefined;
    const held: Buffer[] = [];
    let heldBytes = 0;
    let waiting = false;
    // A client that does not read must not make the host hold the plugin's whole
    // answer: stop reading from the plugin until the client has taken what is queued.
    const send = (chunk: Buffer): void => {
      if (res.write(chunk) || waiting) return;
      waiting = true;
      answer.pause();
      res.once('drain', () => {
        waiting = false;
        answer.resume();
      });
    };
    const startStreaming = (): void => {
      streaming = true;
      res.writeHead(status ?? 502, headers);
      res.flushHeaders();
      for (const chunk of held.splice(0)) send(chunk);
    };
    if (streaming) startStreaming();
    answer.on('data', (raw: Buffer) => {
      const chunk = rewriter ? rewriter.push(raw) : raw;
      if (chunk.length === 0) return;
      capture.add(chunk);
      if (streaming) send(chunk);
      else {
        held.push(chunk);
        heldBytes += chunk.length;
        if (heldBytes > HOLD_LIMIT) startStreaming();
      }
    });
    answer.on('end', () => {
      if (streaming) {
        const rest = rewriter?.end();
        if (rest?.length) capture.add(rest);
        res.end(rest);
      } else sendHeld(res, status ?? 502, headers, held, heldBytes);
      finish();
    });
  });
  upstream.on('error', (error) => {
    if (!res.headersSent) {
      status = 502;
      openAiError(res, 502, `The plugin did not answer: ${error.message}`, 'plugin_unreachable', 'api_error');
    } else res.destroy();
    finish(error.message);
  });
  // The client went away: stop the plugin's work too.
  res.on('close', () => {
    if (!res.writableFinished) {
      upstream.destroy();
      finish('The client closed the connection.');
    }
  });
  upstream.end(body);
}

/** Error bodies are short; a longer one is cut before it is translated. */
const ERROR_BODY_LIMIT = 64 * 1024;

/** Reads a plugin's non-200 answer whole and sends it as an OpenAI error. */
function relayError(res: ServerResponse, answer: IncomingMessage, mask: MaskText, sent: (status: number, text: string) => void): void {
  const chunks: Buffer[] = [];
  let bytes = 0;
  answer.on('data', (chunk: Buffer) => {
    if (bytes >= ERROR_BODY_LIMIT) return;
    chunks.push(chunk);
    bytes += chunk.length;
  });
  answer.on('end', () => {
    const text = Buffer.concat(chunks, bytes).subarray(0, ERROR_BODY_LIMIT).toString('utf8');
    const retryAfter = answer.headers['retry-after'];
    const translated = translateErrorAnswer(answer.statusCode ?? 502, text, typeof retryAfter === 'string' ? retryAfter : undefined, mask);
    const json = JSON.stringify(translated.body);
    res.writeHead(translated.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), ...translated.headers });
    res.end(json);
    sent(translated.status, json);
  });
}

/**
 * A held answer goes out with an exact Content-Length (not chunked, even when the plugin
 * chunked it), header block and body in one buffer and one system call: node:http only
 * joins the two when the body is a string, and latin1 maps each byte to one character
 * and back, so the bytes stay exact (a chunked answer costs three more pieces).
 */
function sendHeld(res: ServerResponse, status: number, headers: string[], held: Buffer[], bytes: number): void {
  headers.push('content-length', String(bytes));
  res.writeHead(status, headers);
  if (bytes === 0) res.end();
  else res.end((held.length === 1 ? held[0]! : Buffer.concat(held, bytes)).toString('latin1'), 'latin1');
}
