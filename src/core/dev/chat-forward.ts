/**
 * Forwards one chat request to a plugin over its chat pool (chat-pool.ts), as an undici
 * dispatch handler: the answer arrives as raw header and body buffers, with no stream
 * objects in between, and goes out as it arrives. Successful answers (body, SSE chunks)
 * are passed through as the plugin gave them; a stream's Loom error events and a non-200
 * answer are spoken in OpenAI's shape (openai-errors.ts). The log keeps what the client
 * received (errors as translated).
 *
 * undici's handler methods used here (onConnect, onHeaders, onData, onComplete, onError)
 * are the ones its HTTP/1.1 client calls itself; the newer controller API is adapted to
 * them per request, and would parse the headers into an object only to list them again.
 */
import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { isSilence, SILENCE_MS } from './chat-pool.js';
import { openAiError } from './http-util.js';
import { SseErrorRewriter, translateErrorAnswer } from './openai-errors.js';
import type { PluginInstance } from './plugin-instance.js';
import { LOG_BODY_LIMIT } from './request-log.js';

/** Masks secrets in text the host writes itself (error messages it translates). */
export type MaskText = (text: string) => string;

export type ForwardDone = (status: number | undefined, responseBody: string, truncated: boolean, error: string | undefined) => void;

/** Plain answers up to this size are sent in one write; bigger ones are streamed. */
const HOLD_LIMIT = 256 * 1024;

/** Error bodies are short; a longer one is cut before it is translated. */
const ERROR_BODY_LIMIT = 64 * 1024;

/** Response headers not to forward: they describe the plugin's connection, not the answer. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);

/** The same for every chat request (undici does not change it). */
const REQUEST_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

const CLIENT_GONE = 'The client closed the connection.';

/** The plugin's process is gone: its pool was torn down on exit, or nothing listens any more. */
function isGone(error: Error): boolean {
  const code = (error as Error & { code?: unknown }).code;
  return code === 'UND_ERR_DESTROYED' || code === 'ECONNREFUSED';
}

export function forward(res: ServerResponse, instance: PluginInstance, body: string, mask: MaskText, done: ForwardDone): void {
  instance.acquire();
  const call = new ChatForward(res, instance, mask, done);
  // The client went away: stop the plugin's work too.
  res.on('close', call.onClientClose);
  instance.chatPool.dispatch({ path: instance.chatPath, method: 'POST', headers: REQUEST_HEADERS, body }, call);
}

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
    if (this.chunks.length === 0) return '';
    return (this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes)).toString('utf8');
  }
}

class ChatForward implements Dispatcher.DispatchHandler {
  private status: number | undefined;
  private abort: ((error?: Error) => void) | undefined;
  private resumePlugin: (() => void) | undefined;
  private finished = false;
  private readonly capture = new LogCapture();
  /** Forwarded response headers, as the flat list writeHead takes. */
  private headers: string[] = [];
  private rewriter: SseErrorRewriter | undefined;
  private streaming = false;
  /** A plain answer (or a non-200 one) until it is complete or too big to hold. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  private waiting = false;
  private retryAfter: string | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly instance: PluginInstance,
    private readonly mask: MaskText,
    private readonly done: ForwardDone,
  ) {}

  readonly onClientClose = (): void => {
    if (this.res.writableFinished || this.finished) return;
    this.finish(CLIENT_GONE);
    this.abort?.(new Error(CLIENT_GONE));
  };

  onConnect(abort: (error?: Error) => void): void {
    this.abort = abort;
    if (this.finished) abort(new Error(CLIENT_GONE));
  }

  onHeaders(statusCode: number, raw: Buffer[], resume: () => void): boolean {
    // 1xx: informational, the real answer follows.
    if (statusCode < 200) return true;
    this.status = statusCode;
    this.resumePlugin = resume;
    let eventStream = false;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!.toString('latin1');
      const lower = name.toLowerCase();
      if (statusCode !== 200) {
        if (lower === 'retry-after') this.retryAfter = raw[i + 1]!.toString('latin1');
        continue;
      }
      // The length is the host's to state: exact for a held answer, none (chunked) for a stream.
      if (HOP_BY_HOP.has(lower) || lower === 'content-length') continue;
      const value = raw[i + 1]!.toString('latin1');
      if (lower === 'content-type' && value.includes('text/event-stream')) eventStream = true;
      this.headers.push(name, value);
    }
    // Streams go out chunk by chunk as they arrive, Loom error events rewritten on the way.
    if (eventStream) {
      this.rewriter = new SseErrorRewriter(this.mask);
      this.startStreaming();
    }
    return true;
  }

  onData(raw: Buffer): boolean {
    if (this.finished) return true;
    if (this.status !== 200) {
      if (this.heldBytes < ERROR_BODY_LIMIT) this.hold(raw);
      return true;
    }
    const chunk = this.rewriter ? this.rewriter.push(raw) : raw;
    if (chunk.length === 0) return true;
    this.capture.add(chunk);
    if (this.streaming) return this.send(chunk);
    this.hold(chunk);
    if (this.heldBytes > HOLD_LIMIT) this.startStreaming();
    return true;
  }

  onComplete(): void {
    if (this.finished) return;
    if (this.status !== 200) this.relayError();
    else if (this.streaming) {
      const rest = this.rewriter?.end();
      if (rest?.length) this.capture.add(rest);
      this.res.end(rest);
    } else this.sendHeld();
    this.finish();
  }

  onError(error: Error): void {
    if (this.finished) return;
    const message = isSilence(error) ? `The plugin sent nothing for ${SILENCE_MS / 1000} s.` : isGone(error) ? `The plugin exited before it answered (${error.message}).` : error.message;
    if (!this.res.headersSent && isGone(error)) {
      // Routed to a process that had just exited (its crash not yet handled): nothing is
      // serving, as during the restart, and undici's "The client is destroyed" says nothing.
      this.status = 503;
      openAiError(this.res, 503, 'The plugin exited before it answered; dev restarts it (see the dev host terminal or page).', 'no_plugin_serving', 'api_error');
    } else if (!this.res.headersSent) {
      this.status = 502;
      openAiError(this.res, 502, `The plugin did not answer: ${message}`, 'plugin_unreachable', 'api_error');
    } else if (this.rewriter) this.endStreamWithError(message);
    else this.res.destroy();
    this.finish(message);
  }

  /**
   * An event stream the plugin stopped half-way (it crashed, it went silent): the status
   * was sent, so the stream ends with an error event, which the OpenAI SDKs raise with its
   * message; a dropped connection only reads as a bare "Connection error". The leading
   * newline closes an event whose lines were sent; a partial line held back is dropped.
   */
  private endStreamWithError(message: string): void {
    const error = { message: this.mask(`The plugin stopped in the middle of the stream: ${message}`), type: 'api_error', param: null, code: 'plugin_unreachable' };
    const event = Buffer.from(`\ndata: ${JSON.stringify({ error })}\n\n`, 'utf8');
    this.capture.add(event);
    this.res.end(event);
  }

  private finish(error?: string): void {
    this.finished = true;
    this.instance.release();
    this.done(this.status, this.capture.text(), this.capture.truncated, error);
  }

  private hold(chunk: Buffer): void {
    this.held.push(chunk);
    this.heldBytes += chunk.length;
  }

  /**
   * A client that does not read must not make the host hold the plugin's whole answer:
   * returning false pauses the plugin's connection until the client has taken what is queued.
   */
  private send(chunk: Buffer): boolean {
    if (this.res.write(chunk)) return true;
    if (!this.waiting) {
      this.waiting = true;
      this.res.once('drain', () => {
        this.waiting = false;
        this.resumePlugin?.();
      });
    }
    return false;
  }

  private startStreaming(): void {
    this.streaming = true;
    this.res.writeHead(this.status ?? 502, this.headers);
    this.res.flushHeaders();
    for (const chunk of this.held.splice(0)) this.send(chunk);
    this.heldBytes = 0;
  }

  /**
   * A held answer goes out with an exact Content-Length (not chunked, even when the plugin
   * chunked it), header block and body in one buffer and one system call: node:http only
   * joins the two when the body is a string, and latin1 maps each byte to one character
   * and back, so the bytes stay exact (a chunked answer costs three more pieces).
   */
  private sendHeld(): void {
    const { res, held, heldBytes } = this;
    this.headers.push('content-length', String(heldBytes));
    res.writeHead(this.status ?? 502, this.headers);
    if (heldBytes === 0) res.end();
    else res.end((held.length === 1 ? held[0]! : Buffer.concat(held, heldBytes)).toString('latin1'), 'latin1');
  }

  /** A plugin's non-200 answer, read whole (up to ERROR_BODY_LIMIT), sent as an OpenAI error. */
  private relayError(): void {
    const text = Buffer.concat(this.held, this.heldBytes).subarray(0, ERROR_BODY_LIMIT).toString('utf8');
    const translated = translateErrorAnswer(this.status ?? 502, text, this.retryAfter, this.mask);
    const json = JSON.stringify(translated.body);
    this.res.writeHead(translated.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), ...translated.headers });
    this.res.end(json);
    this.status = translated.status;
    this.capture.add(Buffer.from(json));
  }
}
