// A tiny OpenAI-compatible upstream on 127.0.0.1 for the tests: no network needed.
// Set `fault` to make the next chat request fail: an HTTP status (401, 429, 503, ...),
// 'hang', 'garbage' (200 with broken JSON) or 'reset' (connection dropped); for a stream,
// 'break' (drops the connection after the first event) or 'stall' (goes quiet after it).
import { createServer } from 'node:http';

export const API_KEY = 'sk-test-key';
export const MODELS = ['fake-small', 'fake-large'];
export const MODEL = MODELS[0];

/** An /initialize body that points the plugin at a fake upstream on `url`. */
export const validConfig = (url, overrides = {}) => ({ api_key: API_KEY, endpoint: url, ...overrides });
/** The same with a key the fake refuses (undefined for an API without keys). */
export const wrongKeyConfig = (url) => validConfig(url, { api_key: 'wrong' });

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
    if (req.method === 'POST') fake.received.push({ path: req.url, headers: req.headers, body });
    if (req.headers.authorization !== `Bearer ${API_KEY}`) {
      send(res, 401, { error: { message: 'bad key', code: 'invalid_api_key' } });
      return;
    }
    if (req.method === 'GET' && req.url === '/models') {
      send(res, 200, { object: 'list', data: MODELS.map((id) => ({ id, object: 'model' })) });
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
      send(res, fault, { error: { message: `fault ${fault}`, code: 'fault' } }, fake.retryAfter ? { 'Retry-After': fake.retryAfter } : {});
      return;
    }
    if (!MODELS.includes(body.model)) {
      send(res, 404, { error: { message: 'unknown model', code: 'model_not_found' } });
      return;
    }
    const reply = `echo: ${body.messages.at(-1).content}`;
    if (body.stream) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
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
