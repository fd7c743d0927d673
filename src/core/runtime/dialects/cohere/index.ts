/**
 * Cohere v2 Chat: `POST /v2/chat` (`"stream": true` for SSE), `Authorization: Bearer`,
 * OpenAI-like messages with the system message first, the reply as content blocks, usage
 * under `usage.tokens`; typed SSE events (message-start ... message-end); errors as
 * `{"message": "<text>"}`; an error after the stream started is `message-end` with
 * `finish_reason: "ERROR"` and `delta.error`.
 */
import { faultRow } from '../fault-table.js';
import { bearer, isRecord, splitSystem, sse } from '../frames.js';
import { FAULTS } from './faults.js';
import type { AnswerFault, Dialect, FaultContext, NativeAnswer, Reply } from '../types.js';

function answer(fault: AnswerFault, ctx: FaultContext): NativeAnswer {
  const row = faultRow(FAULTS, fault, ctx);
  return { status: row.status, body: { message: row.message }, headers: fault === 'rate-limit' ? { 'Retry-After': String(ctx.retryAfterSeconds) } : {} };
}

function usage(reply: Reply) {
  const tokens = { input_tokens: reply.promptTokens, output_tokens: reply.completionTokens };
  return { billed_units: tokens, tokens };
}

function typed(data: Record<string, unknown>): string {
  return sse(data, String(data.type));
}

function frames(reply: Reply): string[] {
  return [
    typed({ id: reply.id, type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } }),
    typed({ type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } }),
    ...reply.pieces.map((text) => typed({ type: 'content-delta', index: 0, delta: { message: { content: { text } } } })),
    typed({ type: 'content-end', index: 0 }),
    typed({ type: 'message-end', delta: { finish_reason: 'COMPLETE', usage: usage(reply) } }),
  ];
}

export const cohere: Dialect = {
  name: 'cohere',
  title: 'Cohere v2 Chat',
  chatPath: 'POST /v2/chat',
  authHint: 'Authorization: Bearer <api_key>',
  route(request) {
    if (request.method === 'POST' && request.path === '/v2/chat') return { kind: 'chat', sure: true };
    // Cohere lists models under /v1/models, like others: its own query parameters or
    // client header tell it apart; a bare call does not (a /v2/chat will).
    if (request.method === 'GET' && request.path === '/v1/models') {
      const own = ['endpoint', 'page_size', 'page_token', 'default_only'].some((name) => request.query.has(name)) || request.headers['x-client-name'] !== undefined;
      return { kind: 'models', sure: own };
    }
    return undefined;
  },
  key: (request) => bearer(request.headers.authorization),
  read(body) {
    if (!isRecord(body)) return 'invalid json';
    if (typeof body.model !== 'string' || body.model === '') return 'model must be specified';
    if (!Array.isArray(body.messages)) return 'messages must be an array';
    const first = body.messages[0];
    if (body.messages.slice(1).some((m) => isRecord(m) && m.role === 'system') && !(isRecord(first) && first.role === 'system')) return 'system turn must be the first in the list';
    const { system, rest } = splitSystem(body.messages);
    return { model: body.model, system, messages: rest, temperature: body.temperature, maxTokens: body.max_tokens, stream: body.stream === true };
  },
  completion: (reply) => ({
    id: reply.id,
    finish_reason: 'COMPLETE',
    message: { role: 'assistant', content: [{ type: 'text', text: reply.text }] },
    usage: usage(reply),
  }),
  stream: {
    contentType: 'text/event-stream',
    frames,
    error: () => typed({ type: 'message-end', delta: { finish_reason: 'ERROR', error: 'internal server error while generating' } }),
    garbage: 'event: content-delta\ndata: {"type": "content-delta", garbage\n\n',
  },
  models: (ids) => ({ models: ids.map((name) => ({ name, endpoints: ['chat'], context_length: 128000, features: ['tools'] })) }),
  answer,
};
