// The upstream the tests talk to: a fake Azure OpenAI resource on 127.0.0.1 (no network),
// served by openai's fake-openai.js with Azure's wire, and what the tests need to know
// about it. It serves POST /openai/deployments/{deployment}/chat/completions?api-version=...
// for the deployments in MODELS, wants the api-key header, answers Azure's error bodies,
// 'filtered' as Azure's 400 content_filter, and starts a stream with Azure's filter-only
// chunk. openai's chat.test.js runs against it; azure.test.js adds what only Azure does.
import assert from 'node:assert/strict';
import { startFakeOpenAI } from './fake-openai.js';

export const API_KEY = 'azure-test-key';
export const API_VERSION = '2024-10-21';
export const MODELS = ['fake-small', 'fake-large'];
export const MODEL = MODELS[0];

/** An /initialize body that points the plugin at a fake upstream on `url`. */
export const validConfig = (url, overrides = {}) => ({ api_key: API_KEY, endpoint: url, deployment: MODELS.join(','), ...overrides });
// /models is answered from the configured deployments, without a call: a wrong key shows
// on the first chat request (chat.test.js covers that), not on /models.
export const wrongKeyConfig = undefined;

/** The fault that makes the upstream refuse a request as filtered content. */
export const CONTENT_FILTER_FAULT = 'filtered';

/** Where and how a chat request reached the upstream (one of `fake.received`). */
export function assertSentUpstream(seen) {
  assert.equal(seen.path, `/openai/deployments/${MODEL}/chat/completions`);
  assert.equal(seen.query, `?api-version=${API_VERSION}`);
  assert.equal(seen.headers['api-key'], API_KEY);
  assert.equal(seen.headers.authorization, undefined);
}

const DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;
const FILTERED = {
  error: {
    message: 'The response was filtered', type: null, param: 'prompt', code: 'content_filter', status: 400,
    innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { hate: { filtered: true, severity: 'high' } } },
  },
};

export const startFakeUpstream = () =>
  startFakeOpenAI({
    authorised: (req) => req.headers['api-key'] === API_KEY,
    unauthorised: { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint.' } },
    answer: (req, url) =>
      url.searchParams.get('api-version') ? undefined : [400, { error: { code: 'BadRequest', message: 'Missing the required query parameter api-version.' } }],
    errorBody: (status) => ({ error: { code: String(status), message: `fault ${status}` } }),
    faults: { filtered: [400, FILTERED] },
    modelOf: (url) => DEPLOYMENT_PATH.exec(url.pathname)?.[1],
    unknownModel: { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist.' } },
    models: MODELS,
    // Azure's first chunk: no choices, only the prompt's filter results.
    firstChunk: { id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] },
  });
