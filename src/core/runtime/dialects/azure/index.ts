/**
 * Azure OpenAI: the OpenAI body and stream under
 * `/openai/deployments/{deployment}/chat/completions?api-version=...` (the deployment
 * names the model), the key in an `api-key` header, errors as `{"error": {code, message}}`
 * with Azure's own codes (`"401"`, `DeploymentNotFound`, `"429"`).
 */
import { faultRow } from '../fault-table.js';
import { isRecord } from '../frames.js';
import { FAULTS } from './faults.js';
import { openAiCompletion, openAiFrames, openAiStreamError, readOpenAiBody } from '../openai/index.js';
import type { AnswerFault, Dialect, FaultContext, NativeAnswer } from '../types.js';

const DEPLOYMENT_CHAT = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

function answer(fault: AnswerFault, ctx: FaultContext): NativeAnswer {
  const row = faultRow(FAULTS, fault, ctx);
  return {
    status: row.status,
    body: { error: { code: row.code, message: row.message } },
    headers: fault === 'rate-limit' ? { 'Retry-After': String(ctx.retryAfterSeconds), 'retry-after-ms': String(ctx.retryAfterSeconds * 1000) } : {},
  };
}

export const azure: Dialect = {
  name: 'azure',
  title: 'Azure OpenAI',
  chatPath: 'POST /openai/deployments/{deployment}/chat/completions?api-version=...',
  authHint: 'api-key: <api_key>',
  route(request) {
    const match = DEPLOYMENT_CHAT.exec(request.path);
    if (request.method === 'POST' && match) return { kind: 'chat', model: decodeURIComponent(match[1] ?? ''), sure: true };
    if (request.method === 'GET' && request.path === '/openai/models') return { kind: 'models', sure: true };
    return undefined;
  },
  key: (request) => request.headers['api-key'],
  read(body, route, request) {
    if (!request.query.get('api-version')) return 'Missing the required query parameter api-version.';
    if (!isRecord(body)) return 'The request body is not valid JSON.';
    return readOpenAiBody(body, route.model);
  },
  completion: (reply) => ({ ...openAiCompletion(reply), prompt_filter_results: [] }),
  stream: { contentType: 'text/event-stream', frames: openAiFrames, error: openAiStreamError, garbage: 'data: {"choices": [ garbage\n\n' },
  models: (ids) => ({ object: 'list', data: ids.map((id) => ({ id, object: 'model', created_at: 1_700_000_000, status: 'succeeded' })) }),
  answer,
};
