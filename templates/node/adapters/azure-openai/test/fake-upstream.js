// A tiny Azure OpenAI resource on 127.0.0.1 for the tests: no network needed.
// It serves POST /openai/deployments/{deployment}/chat/completions?api-version=... for the
// deployments in MODELS (OpenAI's body and stream; the stream starts with Azure's
// filter-only chunk) and wants the api-key header. Set `fault` to make the next chat
// request fail: an HTTP status answered with Azure's error body, 'filtered' (400
// content_filter), 'hang', 'garbage' or 'reset'; for a stream, 'break' or 'stall'.
import { createServer } from 'node:http';

export const API_KEY = 'azure-test-key';
export const API_VERSION = '2024-10-21';
export const MODELS = ['fake-small', 'fake-large'];
export const MODEL = MODELS[0];

/** An /initialize body that points the plugin at a fake upstream on `url`. */
export const validConfig = (url, overrides = {}) => ({ api_key: API_KEY, endpoint: url, deployment: MODELS.join(','), ...overrides });
/** The same with a key the fake refuses (undefined for an API without keys). */
// /models is answered from the configured deployments, without a call: a wrong key shows
// on the first chat request (chat.test.js covers that), not on /models.
export const wrongKeyConfig = undefined;

export async function startFakeUpstream() {
  const fake = { fault: undefined, retryAfter: undefined, received: [], url: '' };
  const hanging = new Set();
  const send = (res, status, payload, headers = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(payload));
  };
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = raw ? JSON.parse(raw) : {};
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'POST') fake.received.push({ path: url.pathname, query: url.search, headers: req.headers, body });
    if (req.headers['api-key'] !== API_KEY) {
      send(res, 401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint.' } });
      return;
    }
    const fault = fake.fault;
    fake.fault = undefined;
    if (fault === 'hang') {
      hanging.add(res);
      return;
    }
    if (fault === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (fault === 'garbage') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"choices": [');
      return;
    }
    if (typeof fault === 'number') {
      send(res, fault, { error: { code: String(fault), message: `fault ${fault}` } }, fake.retryAfter ? { 'Retry-After': fake.retryAfter } : {});
      return;
    }
    if (fault === 'filtered') {
      const innererror = { code: 'ResponsibleAIPolicyViolation', content_filter_result: { hate: { filtered: true, severity: 'high' } } };
      send(res, 400, { error: { message: 'The response was filtered', type: null, param: 'prompt', code: 'content_filter', status: 400, innererror } });
      return;
    }
    if (!url.searchParams.get('api-version')) {
      send(res, 400, { error: { code: 'BadRequest', message: 'Missing the required query parameter api-version.' } });
      return;
    }
    const deployment = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(url.pathname)?.[1];
    if (!MODELS.includes(deployment)) {
      send(res, 404, { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist.' } });
      return;
    }
    body.model = deployment;
    const reply = `echo: ${body.messages.at(-1).content}`;
    if (body.stream) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      // Azure's first chunk: no choices, only the prompt's filter results.
      res.write(`data: ${JSON.stringify({ id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] })}\n\n`);
      const words = reply.split(' ');
      for (const [index, word] of words.entries()) {
        const chunk = {
          id: 'chatcmpl-2', object: 'chat.completion.chunk', created: 1700000000, model: body.model,
          choices: [{ index: 0, delta: { content: index === 0 ? word : ` ${word}` }, finish_reason: null }],
        };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        if (fault === 'stall') {
          hanging.add(res);
          return;
        }
        if (fault === 'break') {
          await new Promise((resolve) => setTimeout(resolve, 20));
          req.socket.resetAndDestroy();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      res.end('data: [DONE]\n\n');
      return;
    }
    send(res, 200, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1700000000.5, // not an integer on purpose: the plugin must send one
      model: body.model,
      // content as a list of parts on purpose: Loom needs a string
      choices: [{ index: 0, message: { role: 'assistant', content: [{ type: 'text', text: reply }] }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${server.address().port}`;
  fake.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return fake;
}
