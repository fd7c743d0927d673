/**
 * Google Gemini (Generative Language API v1beta): the model in the path,
 * `POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent?alt=sse`,
 * the key in `x-goog-api-key` (or `?key=`), `contents` with roles user/model, the system
 * prompt in `systemInstruction`, settings in `generationConfig`; SSE `data:` chunks with
 * no [DONE]; errors as google.rpc.Status `{"error": {code, message, status, details}}`.
 * A bad key is a 400 INVALID_ARGUMENT with reason API_KEY_INVALID, and the retry hint of
 * a 429 is `RetryInfo.retryDelay` in the body.
 */
import { faultRow } from '../fault-table.js';
import { isRecord, sse, textOf } from '../frames.js';
import { FAULTS } from './faults.js';
import type { AnswerFault, Dialect, FaultContext, NativeAnswer, Reply } from '../types.js';

const CHAT = /^\/(?:v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

function status(code: number, rpc: string, message: string, details?: unknown[]) {
  return { error: { code, message, status: rpc, ...(details ? { details } : {}) } };
}

function answer(fault: AnswerFault, ctx: FaultContext): NativeAnswer {
  const row = faultRow(FAULTS, fault, ctx);
  return { status: row.status, body: status(row.status, row.rpc as string, row.message, row.details as unknown[] | undefined) };
}

function chunk(reply: Reply, text: string, last: boolean) {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 }],
    usageMetadata: last
      ? { promptTokenCount: reply.promptTokens, candidatesTokenCount: reply.completionTokens, totalTokenCount: reply.promptTokens + reply.completionTokens }
      : { promptTokenCount: reply.promptTokens, totalTokenCount: reply.promptTokens },
    modelVersion: reply.model,
    responseId: reply.id,
  };
}

function frames(reply: Reply): string[] {
  return reply.pieces.map((piece, index) => sse(chunk(reply, piece, index === reply.pieces.length - 1)));
}

/** `systemInstruction` (or the snake_case form Google's curl samples use). */
function systemText(body: Record<string, unknown>): string | undefined {
  const instruction = body.systemInstruction ?? body.system_instruction;
  if (!isRecord(instruction)) return undefined;
  return Array.isArray(instruction.parts) ? textOf(instruction.parts) : undefined;
}

export const gemini: Dialect = {
  name: 'gemini',
  title: 'Google Gemini',
  chatPath: 'POST /v1beta/models/{model}:generateContent (and :streamGenerateContent?alt=sse)',
  authHint: 'x-goog-api-key: <api_key> (or ?key=)',
  route(request) {
    const match = CHAT.exec(request.path);
    if (request.method === 'POST' && match) return { kind: 'chat', model: decodeURIComponent(match[1] ?? ''), stream: match[2] === 'streamGenerateContent', sure: true };
    if (request.method === 'GET' && (request.path === '/v1beta/models' || request.path === '/v1/models')) {
      return { kind: 'models', sure: request.path === '/v1beta/models' || request.headers['x-goog-api-key'] !== undefined };
    }
    return undefined;
  },
  key: (request) => request.headers['x-goog-api-key'] ?? request.query.get('key') ?? undefined,
  read(body, route, request) {
    if (!isRecord(body)) return 'Invalid JSON payload received.';
    if (!Array.isArray(body.contents)) return '* GenerateContentRequest.contents: contents is not specified';
    if (route.stream && request.query.get('alt') !== 'sse') return 'The mock streams only with alt=sse; without it Gemini streams a JSON array.';
    // Roles in common terms: Gemini's "model" is everyone else's "assistant".
    const messages = body.contents.map((c) => (isRecord(c) ? { role: c.role === 'model' ? 'assistant' : typeof c.role === 'string' ? c.role : 'user', content: textOf(c.parts) } : { role: '', content: '' }));
    const config = isRecord(body.generationConfig) ? body.generationConfig : isRecord(body.generation_config) ? body.generation_config : {};
    return {
      model: route.model,
      system: systemText(body),
      messages,
      temperature: config.temperature,
      maxTokens: config.maxOutputTokens ?? config.max_output_tokens,
      stream: route.stream === true,
    };
  },
  completion: (reply) => chunk(reply, reply.text, true),
  stream: {
    contentType: 'text/event-stream',
    frames,
    error: () => sse(status(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.')),
    garbage: 'data: {"candidates": [ garbage\n\n',
  },
  models: (ids) => ({
    models: ids.map((id) => ({ name: `models/${id}`, version: '001', displayName: id, inputTokenLimit: 32768, outputTokenLimit: 8192, supportedGenerationMethods: ['generateContent', 'countTokens'] })),
  }),
  answer,
};
