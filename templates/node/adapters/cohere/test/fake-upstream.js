// A tiny Cohere v2 Chat API on 127.0.0.1 for the tests: no network needed.
// It answers GET /v1/models (in pages of one) and POST /v2/chat with an echo of the last
// user text, as a response or as typed SSE events. Set `toolCalls` to answer with those
// calls, `finishReason` to end otherwise. Set `fault` to make the next chat request fail:
// an HTTP status answered with {"message": "..."}, 'hang', 'garbage' or 'reset'; for a
// stream, 'break', 'cut', 'stall' or 'error' (a message-end with finish_reason ERROR).
import { ANSWERED, send, startFakeServer } from './fake-server.js';

export const API_KEY = 'co-test-key';
export const MODELS = ['command-fake', 'command-fake-vision'];
export const MODEL = MODELS[0];

/** An /initialize body that points the plugin at a fake upstream on `url`. */
export const validConfig = (url, overrides = {}) => ({ api_key: API_KEY, endpoint: url, ...overrides });
/** The same with a key the fake refuses. */
export const wrongKeyConfig = (url) => validConfig(url, { api_key: 'wrong' });

export async function startFakeUpstream() {
  const fake = { fault: undefined, retryAfter: undefined, toolCalls: undefined, finishReason: 'COMPLETE' };
  return startFakeServer(fake, async ({ req, res, body, url, takeFault, interrupt }) => {
    if (req.headers.authorization !== `Bearer ${API_KEY}`) {
      send(res, 401, { message: 'invalid api token' });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/v1/models') {
      const start = Number(url.searchParams.get('page_token') ?? 0);
      const features = [['tools'], ['tools', 'vision']];
      send(res, 200, { models: [{ name: MODELS[start], endpoints: [url.searchParams.get('endpoint')], context_length: 128000, features: features[start] }], ...(start + 1 < MODELS.length ? { next_page_token: String(start + 1) } : {}) });
      return;
    }
    const fault = takeFault('{"message": [');
    if (fault === ANSWERED) return;
    if (typeof fault === 'number') {
      send(res, fault, { message: `fake error ${fault}` }, fake.retryAfter ? { 'Retry-After': fake.retryAfter } : {});
      return;
    }
    if (!MODELS.includes(body.model)) {
      send(res, 404, { message: `model '${body.model}' not found, make sure the correct model ID was used` });
      return;
    }
    const user = [...body.messages].reverse().find((m) => m.role === 'user');
    const text = `echo: ${typeof user?.content === 'string' ? user.content : (user?.content ?? []).filter((p) => p.type === 'text').map((p) => p.text).join('')}`;
    const usage = { billed_units: { input_tokens: 1, output_tokens: 2 }, tokens: { input_tokens: 3, output_tokens: 2 } };
    if (!body.stream) {
      const message = { role: 'assistant', content: fake.toolCalls ? [] : [{ type: 'text', text }], ...(fake.toolCalls ? { tool_plan: 'I will look it up.', tool_calls: fake.toolCalls } : {}) };
      send(res, 200, { id: 'c-fake', finish_reason: fake.finishReason, message, usage });
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    const sse = (data) => res.write(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
    sse({ id: 'c-fake', type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_calls: [] } } });
    if (await interrupt(fault)) return;
    if (fault === 'error') {
      sse({ type: 'message-end', delta: { finish_reason: 'ERROR', error: 'internal server error while generating' } });
      res.end();
      return;
    }
    if (fake.toolCalls) {
      for (const [index, call] of fake.toolCalls.entries()) {
        sse({ type: 'tool-call-start', index, delta: { message: { tool_calls: { ...call, function: { ...call.function, arguments: '' } } } } });
        const args = call.function.arguments;
        for (const piece of [args.slice(0, 5), args.slice(5)]) sse({ type: 'tool-call-delta', index, delta: { message: { tool_calls: { function: { arguments: piece } } } } });
        sse({ type: 'tool-call-end', index });
      }
    } else {
      sse({ type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } });
      const half = Math.floor(text.length / 2);
      for (const piece of [text.slice(0, half), text.slice(half)]) sse({ type: 'content-delta', index: 0, delta: { message: { content: { text: piece } } } });
      sse({ type: 'content-end', index: 0 });
    }
    sse({ type: 'message-end', delta: { finish_reason: fake.finishReason, usage } });
    res.end('data: [DONE]\n\n');
  });
}
