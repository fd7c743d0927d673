/**
 * Azure OpenAI: the OpenAI body and stream under
 * `/openai/deployments/{deployment}/chat/completions?api-version=...` (the deployment
 * names the model), the key in an `api-key` header, errors as `{"error": {code, message}}`
 * with Azure's own codes (`"401"`, `DeploymentNotFound`, `"429"`).
 */
import { isRecord } from '../frames.js';
import { openAiCompletion, openAiFrames, openAiStreamError, readOpenAiBody } from '../openai/index.js';
import type { AnswerFault, Dialect, FaultContext, NativeAnswer } from '../types.js';

const DEPLOYMENT_CHAT = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

const ERRORS: Record<AnswerFault, { status: number; code: string; message: (ctx: FaultContext) => string }> = {
  unauthorized: { status: 401, code: '401', message: () => 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' },
  'not-found': { status: 404, code: 'DeploymentNotFound', message: () => 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' },
  'rate-limit': { status: 429, code: '429', message: (ctx) => `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current pricing tier. Please retry after ${ctx.retryAfterSeconds} seconds.` },
  'server-error': { status: 500, code: 'InternalServerError', message: () => 'The server had an error while processing your request.' },
  unavailable: { status: 503, code: 'ServiceUnavailable', message: () => 'The service is temporarily unable to process your request. Please try again later.' },
  'bad-request': { status: 400, code: 'BadRequest', message: (ctx) => ctx.detail ?? 'Invalid request.' },
  'unknown-route': { status: 404, code: '404', message: () => 'Resource not found' },
};

function answer(fault: AnswerFault, ctx: FaultContext): NativeAnswer {
  const row = ERRORS[fault];
  return {
    status: row.status,
    body: { error: { code: row.code, message: row.message(ctx) } },
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
