/**
 * Ollama: `POST /api/chat` (streams NDJSON unless `"stream": false`), `GET /api/tags`,
 * no key for a local server (Bearer for ollama.com), settings under `options`
 * (`temperature`, `num_predict`); errors as `{"error": "<text>"}`; an error after the
 * stream started is a last `{"error": ...}` line with the status still 200.
 */
import { faultRow } from '../fault-table.js';
import { bearer, isRecord, ndjson, splitSystem } from '../frames.js';
import { FAULTS } from './faults.js';
import type { AnswerFault, Dialect, FaultContext, NativeAnswer, Reply } from '../types.js';

function answer(fault: AnswerFault, ctx: FaultContext): NativeAnswer {
  const row = faultRow(FAULTS, fault, ctx);
  // Ollama documents no retry header; the mock sends Retry-After anyway so a plugin can pass it on.
  return { status: row.status, body: { error: row.message }, headers: fault === 'rate-limit' ? { 'Retry-After': String(ctx.retryAfterSeconds) } : {} };
}

const CREATED_AT = '2025-01-01T00:00:00Z';

function line(reply: Reply, content: string) {
  return { model: reply.model, created_at: CREATED_AT, message: { role: 'assistant', content }, done: false };
}

function last(reply: Reply, content: string) {
  return {
    ...line(reply, content),
    done: true,
    done_reason: 'stop',
    total_duration: 120_000_000,
    load_duration: 1_000_000,
    prompt_eval_count: reply.promptTokens,
    prompt_eval_duration: 10_000_000,
    eval_count: reply.completionTokens,
    eval_duration: 100_000_000,
  };
}

export const ollama: Dialect = {
  name: 'ollama',
  title: 'Ollama',
  chatPath: 'POST /api/chat',
  authHint: 'no key for a local server (Authorization: Bearer <api_key> when the plugin has one)',
  route(request) {
    if (request.method === 'POST' && request.path === '/api/chat') return { kind: 'chat', sure: true };
    if (request.method === 'GET' && request.path === '/api/tags') return { kind: 'models', sure: true };
    return undefined;
  },
  key: (request) => bearer(request.headers.authorization),
  read(body) {
    if (!isRecord(body)) return 'missing request body';
    if (typeof body.model !== 'string' || body.model === '') return 'model is required';
    if (body.messages !== undefined && !Array.isArray(body.messages)) return 'json: cannot unmarshal string into Go struct field ChatRequest.messages';
    const { system, rest } = splitSystem(Array.isArray(body.messages) ? body.messages : []);
    const options = isRecord(body.options) ? body.options : {};
    return { model: body.model, system, messages: rest, temperature: options.temperature, maxTokens: options.num_predict, stream: body.stream !== false };
  },
  completion: (reply) => last(reply, reply.text),
  stream: {
    contentType: 'application/x-ndjson',
    frames: (reply) => [...reply.pieces.map((piece) => ndjson(line(reply, piece))), ndjson(last(reply, ''))],
    error: () => ndjson({ error: 'an error was encountered while running the model: unexpected EOF' }),
    garbage: '{"model": "x", "message": garbage\n',
  },
  models: (ids) => ({
    models: ids.map((id) => ({ name: id, model: id, modified_at: CREATED_AT, size: 2_019_393_189, digest: 'a80c4f17acd5', details: { format: 'gguf', family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' } })),
  }),
  answer,
};
