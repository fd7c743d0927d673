/**
 * Anthropic Messages: `POST /v1/messages` with `x-api-key` and `anthropic-version`, the
 * system prompt as a top-level `system`, `max_tokens` required; named SSE events
 * (message_start ... message_stop, no [DONE]); errors as
 * `{"type": "error", "error": {type, message}}`, overload as 529 `overloaded_error`.
 */
import { faultRow } from '../fault-table.js';
import { isRecord, sse, textOf } from '../frames.js';
import { FAULTS } from './faults.js';
import type { AnswerFault, Dialect, FaultContext, NativeAnswer, Reply } from '../types.js';

let requestCounter = 0;

function errorBody(type: string, message: string) {
  requestCounter += 1;
  return { type: 'error', error: { type, message }, request_id: `req_mock${requestCounter}` };
}

function answer(fault: AnswerFault, ctx: FaultContext): NativeAnswer {
  const row = faultRow(FAULTS, fault, ctx);
  return { status: row.status, body: errorBody(row.type as string, row.message), headers: fault === 'rate-limit' ? { 'retry-after': String(ctx.retryAfterSeconds) } : {} };
}

function message(reply: Reply) {
  return {
    id: `msg_${reply.id}`,
    type: 'message',
    role: 'assistant',
    model: reply.model,
    content: [{ type: 'text', text: reply.text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: reply.promptTokens, output_tokens: reply.completionTokens },
  };
}

function frames(reply: Reply): string[] {
  const start = { ...message(reply), content: [], stop_reason: null, usage: { input_tokens: reply.promptTokens, output_tokens: 1 } };
  const out = [sse({ type: 'message_start', message: start }, 'message_start'), sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start')];
  out.push(sse({ type: 'ping' }, 'ping'));
  for (const text of reply.pieces) out.push(sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta'));
  out.push(sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'));
  out.push(sse({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: reply.completionTokens } }, 'message_delta'));
  out.push(sse({ type: 'message_stop' }, 'message_stop'));
  return out;
}

function systemText(system: unknown): string | undefined {
  if (system === undefined) return undefined;
  return textOf(system);
}

export const anthropic: Dialect = {
  name: 'anthropic',
  title: 'Anthropic Messages',
  chatPath: 'POST /v1/messages',
  authHint: 'x-api-key: <api_key> (and anthropic-version)',
  route(request) {
    if (request.method === 'POST' && request.path === '/v1/messages') return { kind: 'chat', sure: true };
    const own = request.headers['anthropic-version'] !== undefined || request.headers['x-api-key'] !== undefined;
    if (request.method === 'GET' && request.path === '/v1/models') return { kind: 'models', sure: own };
    return undefined;
  },
  key: (request) => request.headers['x-api-key'],
  read(body, _route, request) {
    if (!request.headers['anthropic-version']) return 'anthropic-version: header is required';
    if (!isRecord(body)) return 'The request body is not valid JSON.';
    if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
    if (!Array.isArray(body.messages)) return 'messages: Field required';
    if (typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
    const messages = body.messages.map((m) => (isRecord(m) ? { role: String(m.role), content: textOf(m.content) } : { role: '', content: '' }));
    if (messages.some((m) => m.role !== 'user' && m.role !== 'assistant')) return 'messages: roles must be "user" or "assistant"; use the top-level system parameter for a system prompt';
    return { model: body.model, system: systemText(body.system), messages, temperature: body.temperature, maxTokens: body.max_tokens, stream: body.stream === true };
  },
  completion: message,
  stream: {
    contentType: 'text/event-stream',
    frames,
    error: () => sse(errorBody('overloaded_error', 'Overloaded'), 'error'),
    garbage: 'event: content_block_delta\ndata: {"type": "content_block_delta", garbage\n\n',
  },
  models: (ids) => ({
    data: ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })),
    has_more: false,
    first_id: ids[0] ?? null,
    last_id: ids.at(-1) ?? null,
  }),
  answer,
};
