// A tiny Anthropic Messages API on 127.0.0.1 for the tests: no network needed.
// It answers GET /v1/models (in pages of one, so paging is exercised) and POST /v1/messages
// with an echo of the last user text, as a message or as named SSE events. Set `answer`
// to a list of content blocks (and `stopReason`) to answer with those instead. Set
// `fault` to make the next chat request fail: an HTTP status (401, 429, 529, ...) answered
// with Anthropic's error body, 'hang', 'garbage' or 'reset'; for a stream, 'break', 'cut',
// 'stall' or 'overloaded' (an `event: error` after the first event).
import { ANSWERED, send, startFakeServer } from './fake-server.js';

export const API_KEY = 'sk-ant-test-key';
export const MODELS = ['claude-fake-small', 'claude-fake-large'];
export const MODEL = MODELS[0];

/** An /initialize body that points the plugin at a fake upstream on `url`. */
export const validConfig = (url, overrides = {}) => ({ api_key: API_KEY, endpoint: url, ...overrides });
/** The same with a key the fake refuses. */
export const wrongKeyConfig = (url) => validConfig(url, { api_key: 'wrong' });

const ERROR_TYPES = {
  400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error',
  404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 504: 'timeout_error', 529: 'overloaded_error',
};
const errorBody = (status, message) => ({ type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message }, request_id: 'req_fake' });

function lastUserText(body) {
  const message = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  if (!message) return '';
  return typeof message.content === 'string' ? message.content : message.content.filter((b) => b.type === 'text').map((b) => b.text).join('');
}

export async function startFakeUpstream() {
  const fake = {
    fault: undefined, retryAfter: undefined, errorMessage: 'fake error', answer: undefined, stopReason: 'end_turn',
    usage: { input_tokens: 3, output_tokens: 2 },
  };
  const sse = (res, name, data) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  return startFakeServer(fake, async ({ req, res, body, url, takeFault, interrupt }) => {
    if (req.headers['x-api-key'] !== API_KEY || !req.headers['anthropic-version']) {
      send(res, 401, errorBody(401, 'invalid x-api-key'));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/v1/models') {
      const after = url.searchParams.get('after_id');
      const start = MODELS.includes(after) ? MODELS.indexOf(after) + 1 : 0;
      const page = MODELS.slice(start, start + 1);
      const data = page.map((id) => ({ type: 'model', id, display_name: id.toUpperCase(), created_at: '2025-01-01T00:00:00Z', max_input_tokens: 200000, max_tokens: 64000 }));
      send(res, 200, { data, has_more: start + 1 < MODELS.length, first_id: page[0], last_id: page.at(-1) });
      return;
    }
    const fault = takeFault('{"content": [');
    if (fault === ANSWERED) return;
    if (typeof fault === 'number') {
      send(res, fault, errorBody(fault, fake.errorMessage), fake.retryAfter ? { 'retry-after': fake.retryAfter } : {});
      return;
    }
    if (!MODELS.includes(body.model)) {
      send(res, 404, errorBody(404, `model: ${body.model}`));
      return;
    }
    const blocks = fake.answer ?? [{ type: 'text', text: `echo: ${lastUserText(body)}` }];
    if (!body.stream) {
      send(res, 200, { id: 'msg_fake', type: 'message', role: 'assistant', model: body.model, content: blocks, stop_reason: fake.stopReason, stop_sequence: null, usage: fake.usage });
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    const start = { id: 'msg_fake', type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, usage: { input_tokens: fake.usage.input_tokens, output_tokens: 1 } };
    sse(res, 'message_start', { type: 'message_start', message: start });
    if (await interrupt(fault)) return;
    if (fault === 'overloaded') {
      sse(res, 'error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
      res.end();
      return;
    }
    sse(res, 'ping', { type: 'ping' });
    for (const [index, block] of blocks.entries()) {
      if (block.type === 'text') {
        sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
        const half = Math.floor(block.text.length / 2);
        for (const text of [block.text.slice(0, half), block.text.slice(half)]) {
          sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
        }
      } else {
        sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { ...block, input: {} } });
        const json = JSON.stringify(block.input);
        for (const part of [json.slice(0, 5), json.slice(5)]) {
          sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } });
        }
      }
      sse(res, 'content_block_stop', { type: 'content_block_stop', index });
    }
    sse(res, 'message_delta', { type: 'message_delta', delta: { stop_reason: fake.stopReason, stop_sequence: null }, usage: { output_tokens: fake.usage.output_tokens } });
    sse(res, 'message_stop', { type: 'message_stop' });
    res.end();
  });
}
