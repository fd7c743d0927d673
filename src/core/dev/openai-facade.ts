/**
 * The OpenAI-compatible door: `GET /v1/models` lists every hosted plugin's models and
 * `POST /v1/chat/completions` goes to the plugin that owns the model. Answers (status,
 * body, SSE chunks) are passed through as the plugin gave them, as they arrive; the host
 * only speaks for itself when nobody can answer (unknown model, nothing serving).
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { BodyTooLarge, readBody } from '../read-body.js';
import { MAX_BODY_BYTES, openAiError, sendJson } from './http-util.js';
import type { PluginInstance } from './plugin-instance.js';
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

export async function chatCompletions(req: IncomingMessage, res: ServerResponse, router: Router, log: LogRequest): Promise<void> {
  const started = performance.now();
  const time = Date.now();
  let body: string;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLarge) openAiError(res, 413, error.message, 'request_too_large');
    return;
  }
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
  const base = { time, method: 'POST', path: '/v1/chat/completions', model, stream, requestBody: body.slice(0, LOG_BODY_LIMIT) };
  const instance = slot?.active;
  if (!slot || !instance) {
    const [status, message, code] = serving.length === 0
      ? [503, 'No plugin is serving right now (see the dev host terminal or page).', 'no_plugin_serving']
      : [404, `No hosted plugin has the model '${model ?? ''}'. GET /v1/models lists them.`, 'model_not_found'];
    openAiError(res, status, message, code, status === 503 ? 'api_error' : 'invalid_request_error');
    log({ ...base, provider: undefined, status, durationMs: performance.now() - started, responseBody: message, truncated: false, error: undefined });
    return;
  }
  await forward(req, res, instance, body, (result) =>
    log({ ...base, provider: slot.providerType, durationMs: performance.now() - started, ...result }),
  );
}

/**
 * Proxies one chat request with node:http over the instance's keep-alive agent (measured
 * lighter than undici on this short hop), writing each chunk out as it arrives.
 */
function forward(
  req: IncomingMessage,
  res: ServerResponse,
  instance: PluginInstance,
  body: string,
  done: (result: { status: number | undefined; responseBody: string; truncated: boolean; error: string | undefined }) => void,
): Promise<void> {
  instance.acquire();
  return new Promise((resolve) => {
    let captured = '';
    let truncated = false;
    let status: number | undefined;
    let finished = false;
    const finish = (error?: string): void => {
      if (finished) return;
      finished = true;
      instance.release();
      done({ status, responseBody: captured, truncated, error });
      resolve();
    };
    const upstream = httpRequest({
      ...instance.target,
      path: instance.pathFor('/chat/completions'),
      method: 'POST',
      agent: instance.agent,
      headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    // The agent's socket timeout fired: 120 s without a byte from the plugin.
    upstream.on('timeout', () => upstream.destroy(new Error('The plugin sent nothing for 120 s.')));
    upstream.on('response', (answer) => {
      status = answer.statusCode;
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      }
      // Streams go out chunk by chunk as they arrive. A plain JSON answer is sent in one
      // write with its headers: one syscall instead of several per request, which is most
      // of what a proxy costs on loopback.
      let streaming = String(answer.headers['content-type'] ?? '').includes('text/event-stream');
      const held: Buffer[] = [];
      let heldBytes = 0;
      const startStreaming = (): void => {
        streaming = true;
        res.writeHead(answer.statusCode ?? 502, headers);
        res.flushHeaders();
        for (const chunk of held.splice(0)) res.write(chunk);
      };
      if (streaming) startStreaming();
      answer.on('data', (chunk: Buffer) => {
        if (streaming) res.write(chunk);
        else {
          held.push(chunk);
          heldBytes += chunk.length;
          if (heldBytes > HOLD_LIMIT) startStreaming();
        }
        if (!truncated) {
          captured += chunk.toString('utf8');
          if (captured.length > LOG_BODY_LIMIT) {
            captured = captured.slice(0, LOG_BODY_LIMIT);
            truncated = true;
          }
        }
      });
      answer.on('end', () => {
        if (streaming) res.end();
        else {
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(held.length === 1 ? held[0] : Buffer.concat(held));
        }
        finish();
      });
      answer.on('error', (error) => {
        res.destroy();
        finish(error.message);
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
  });
}
