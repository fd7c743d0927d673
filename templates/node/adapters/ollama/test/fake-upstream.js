// A tiny Ollama server on 127.0.0.1 for the tests: no network needed.
// It answers GET /api/tags and POST /api/chat with an echo of the last user text, as one
// JSON object ("stream": false) or as NDJSON lines (Ollama's default). Set `toolCalls` to
// answer with those calls, `doneReason` to end otherwise. Set `fault` to make the next
// chat request fail: an HTTP status answered with {"error": "..."}, 'hang', 'garbage' or
// 'reset'; for a stream, 'break', 'cut', 'stall' or 'runner' (an {"error"} line after the first).
// A local Ollama takes no key; `received` records any Authorization header sent.
import { ANSWERED, send, startFakeServer } from './fake-server.js';

export const API_KEY = 'ollama-test-key';
export const MODELS = ['llama-fake:latest', 'llava-fake:7b'];
export const MODEL = MODELS[0];

/** An /initialize body that points the plugin at a fake upstream on `url`. */
export const validConfig = (url, overrides = {}) => ({ endpoint: url, ...overrides });
/** A local Ollama takes no key, so there is no wrong one. */
export const wrongKeyConfig = undefined;

export async function startFakeUpstream() {
  // errorIsText: Ollama's errors are {"error": "<text>"} (the 'echo-key' fault too).
  const fake = { fault: undefined, retryAfter: undefined, toolCalls: undefined, doneReason: 'stop', errorIsText: true };
  return startFakeServer(fake, async ({ req, res, body, url, takeFault, interrupt }) => {
    if (req.method === 'GET' && url.pathname === '/api/tags') {
      const details = { format: 'gguf', family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' };
      send(res, 200, { models: MODELS.map((name) => ({ name, model: name, size: 1, details })) });
      return;
    }
    const fault = takeFault('{"message": ');
    if (fault === ANSWERED) return;
    if (typeof fault === 'number') {
      send(res, fault, { error: `fake error ${fault}` }, fake.retryAfter ? { 'Retry-After': fake.retryAfter } : {});
      return;
    }
    if (!MODELS.includes(body.model)) {
      send(res, 404, { error: `model '${body.model}' not found` });
      return;
    }
    const text = `echo: ${[...body.messages].reverse().find((m) => m.role === 'user')?.content ?? ''}`;
    const last = { model: body.model, created_at: '2025-01-01T00:00:00Z', done: true, done_reason: fake.doneReason, prompt_eval_count: 3, eval_count: 2 };
    if (body.stream === false) {
      send(res, 200, { ...last, message: { role: 'assistant', content: fake.toolCalls ? '' : text, ...(fake.toolCalls ? { tool_calls: fake.toolCalls } : {}) } });
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    const line = (data) => res.write(`${JSON.stringify(data)}\n`);
    const half = Math.floor(text.length / 2);
    line({ model: body.model, message: { role: 'assistant', content: fake.toolCalls ? '' : text.slice(0, half) }, done: false });
    if (await interrupt(fault)) return;
    if (fault === 'runner') {
      res.end(`${JSON.stringify({ error: 'an error was encountered while running the model: unexpected EOF' })}\n`);
      return;
    }
    if (fake.toolCalls) line({ model: body.model, message: { role: 'assistant', content: '', tool_calls: fake.toolCalls }, done: false });
    else line({ model: body.model, message: { role: 'assistant', content: text.slice(half) }, done: false });
    res.end(`${JSON.stringify({ ...last, message: { role: 'assistant', content: '' } })}\n`);
  });
}
