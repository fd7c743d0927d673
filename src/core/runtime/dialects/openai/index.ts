/**
 * OpenAI Chat Completions: `POST /chat/completions` (also under `/v1`), `GET /models`,
 * `Authorization: Bearer <key>`, SSE `data:` chunks ending in `data: [DONE]`, errors as
 * `{"error": {message, type, param, code}}`. Azure reuses the bodies and streams.
 */
import { faultRow } from '../fault-table.js';
import { bearer, isRecord, splitSystem, sse } from '../frames.js';
import { FAULTS } from './faults.js';
import type { AnswerFault, CommonChat, Dialect, FaultContext, IncomingRequest, NativeAnswer, Reply } from '../types.js';

export function openAiError(message: string, type: string | null, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

/** Status, type and code of each fault (the error table, as data). */
export function openAiAnswer(fault: AnswerFault, ctx: FaultContext): NativeAnswer {
  const row = faultRow(FAULTS, fault, ctx);
  const headers: Record<string, string> = {};
  if (fault === 'rate-limit') headers['Retry-After'] = String(ctx.retryAfterSeconds);
  if (fault === 'unauthorized') headers['WWW-Authenticate'] = 'Bearer';
  return { status: row.status, body: openAiError(row.message, row.type as string | null, row.code as string | null), headers };
}

export function usage(reply: Reply) {
  return { prompt_tokens: reply.promptTokens, completion_tokens: reply.completionTokens, total_tokens: reply.promptTokens + reply.completionTokens };
}

export function openAiCompletion(reply: Reply) {
  return {
    id: reply.id,
    object: 'chat.completion',
    created: reply.created,
    model: reply.model,
    choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: 'stop' }],
    usage: usage(reply),
  };
}

/** Role first, content in pieces, finish last, optional usage chunk, then [DONE]. */
export function openAiFrames(reply: Reply): string[] {
  const base = { id: reply.id, object: 'chat.completion.chunk', created: reply.created, model: reply.model };
  const frames = [sse({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })];
  for (const piece of reply.pieces) frames.push(sse({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] }));
  frames.push(sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], ...(reply.includeUsage ? { usage: usage(reply) } : {}) }));
  frames.push(sse('[DONE]'));
  return frames;
}

/** The SDK raises on any data JSON with a top-level `error`; the stream then ends. */
export function openAiStreamError(): string {
  return sse(openAiError('The server had an error while processing your request.', 'server_error', null));
}

export function readOpenAiBody(body: unknown, model: string | undefined): CommonChat | string {
  if (!isRecord(body)) return 'We could not parse the JSON body of your request.';
  if (!Array.isArray(body.messages)) return "'messages' is a required property and must be an array";
  const { system, rest } = splitSystem(body.messages);
  return {
    model,
    system,
    messages: rest,
    temperature: body.temperature,
    maxTokens: body.max_completion_tokens ?? body.max_tokens,
    stream: body.stream === true,
  };
}

function path(request: IncomingRequest): string {
  return request.path.replace(/^\/v1(?=\/)/, '');
}

export const openai: Dialect = {
  name: 'openai',
  title: 'OpenAI Chat Completions',
  chatPath: 'POST /chat/completions',
  authHint: 'Authorization: Bearer <api_key>',
  route(request) {
    const route = path(request);
    if (request.method === 'POST' && route === '/chat/completions') return { kind: 'chat', sure: true };
    // `/v1/models` is Anthropic's and Cohere's too: not enough to tell the dialect.
    if (request.method === 'GET' && route === '/models') return { kind: 'models', sure: request.path === '/models' };
    return undefined;
  },
  key: (request) => bearer(request.headers.authorization),
  read(body) {
    if (!isRecord(body)) return 'We could not parse the JSON body of your request.';
    if (typeof body.model !== 'string' || body.model === '') return 'you must provide a model parameter';
    return readOpenAiBody(body, body.model);
  },
  completion: openAiCompletion,
  stream: { contentType: 'text/event-stream', frames: openAiFrames, error: openAiStreamError, garbage: 'data: {"choices": [ garbage\n\n' },
  models: (ids) => ({ object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'loom-mock' })) }),
  answer: openAiAnswer,
};
