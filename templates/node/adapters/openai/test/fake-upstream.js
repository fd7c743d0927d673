// The upstream the tests talk to: an OpenAI-compatible server on 127.0.0.1 (no network),
// served by fake-openai.js with this file's wire, and what the tests need to know about
// it. An API that extends openai (azure-openai) replaces only this file: fake-openai.js
// and chat.test.js are shared.
import assert from 'node:assert/strict';
import { startFakeOpenAI } from './fake-openai.js';

export const API_KEY = 'sk-test-key';
export const MODELS = ['fake-small', 'fake-large'];
export const MODEL = MODELS[0];

/** An /initialize body that points the plugin at a fake upstream on `url`. */
export const validConfig = (url, overrides = {}) => ({ api_key: API_KEY, endpoint: url, ...overrides });
/** The same with a key the fake refuses (undefined for an API without keys). */
export const wrongKeyConfig = (url) => validConfig(url, { api_key: 'wrong' });

/** The fault that makes the upstream refuse a request as filtered content. */
export const CONTENT_FILTER_FAULT = 422;

/** Where and how a chat request reached the upstream (one of `fake.received`). */
export function assertSentUpstream(seen) {
  assert.equal(seen.path, '/chat/completions');
  assert.equal(seen.query, '');
  assert.equal(seen.headers.authorization, `Bearer ${API_KEY}`);
}

export const startFakeUpstream = () =>
  startFakeOpenAI({
    authorised: (req) => req.headers.authorization === `Bearer ${API_KEY}`,
    unauthorised: { error: { message: 'bad key', code: 'invalid_api_key' } },
    answer: (req, url) =>
      req.method === 'GET' && url.pathname === '/models' ? [200, { object: 'list', data: MODELS.map((id) => ({ id, object: 'model' })) }] : undefined,
    errorBody: (status) => ({ error: { message: `fault ${status}`, code: 'fault' } }),
    modelOf: (url, body) => body.model,
    unknownModel: { error: { message: 'unknown model', code: 'model_not_found' } },
    models: MODELS,
  });
