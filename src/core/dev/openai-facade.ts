/**
 * The OpenAI-compatible door: `GET /v1/models` lists every hosted plugin's models and
 * `POST /v1/chat/completions` goes to the plugin that owns the model. Successful answers
 * (body, SSE chunks) are passed through as the plugin gave them, as they arrive. Errors
 * are spoken in OpenAI's shape (openai-errors.ts): a plugin's `{code, message, transient}`
 * becomes `{"error": {...}}` with the matching status, in streams too, and the host's own
 * answers (unknown model, nothing serving) use the same shape.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBodyThen } from '../read-body.js';
import { forward, type MaskText } from './chat-forward.js';
import { MAX_BODY_BYTES, openAiError, sendHostError, sendJson } from './http-util.js';
import { LOG_BODY_LIMIT } from './request-log.js';
import type { PluginSlot } from './plugin-slot.js';
import type { RequestLogEntry } from './types.js';

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
): void {
  const started = performance.now();
  const time = Date.now();
  readBodyThen(req, MAX_BODY_BYTES, (error, body) => {
    if (error) {
      if (error instanceof BodyTooLarge) openAiError(res, 413, error.message, 'request_too_large');
      return;
    }
    // Called from a stream event, not a promise: a bug here must still become a 500.
    try {
      route(res, router, log, mask, body, started, time);
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
  body: string,
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
  // The answer's check against the wire schemas runs when its log entry is first read
  // (request-log.ts): after the answer went out, and only for someone who looks.
  forward(res, instance, body, mask, (status, responseBody, truncated, error) => log(entry(status, responseBody, truncated, error)));
}

type LogEntry = Omit<RequestLogEntry, 'id' | 'curl'>;
