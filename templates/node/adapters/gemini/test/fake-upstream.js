// A tiny Gemini API (v1beta) on 127.0.0.1 for the tests: no network needed.
// It answers GET /v1beta/models (in pages of one, with an embedding model that cannot
// chat) and POST /v1beta/models/{model}:generateContent (or :streamGenerateContent?alt=sse)
// with an echo of the last user text. Set `parts` (and `finishReason`) to answer with
// those parts instead, `blocked` to block the prompt. Set `fault` to make the next chat
// request fail: an HTTP status answered with a google.rpc.Status body (`rpc`, `details`),
// 'hang', 'garbage' or 'reset'; for a stream, 'break', 'cut', 'stall' or 'unavailable' (a
// `data: {"error": ...}` after the first chunk).
import { ANSWERED, send, startFakeServer } from './fake-server.js';

export const API_KEY = 'AIza-test-key';
export const MODELS = ['gemini-fake-flash', 'gemini-fake-pro'];
export const MODEL = MODELS[0];

/** An /initialize body that points the plugin at a fake upstream on `url`. */
export const validConfig = (url, overrides = {}) => ({ api_key: API_KEY, endpoint: url, ...overrides });
/** The same with a key the fake refuses. */
export const wrongKeyConfig = (url) => validConfig(url, { api_key: 'wrong' });

const RPC = { 400: 'INVALID_ARGUMENT', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' };
const statusBody = (code, message, details, rpc) => ({ error: { code, message, status: rpc ?? RPC[code] ?? 'UNKNOWN', ...(details ? { details } : {}) } });
const BAD_KEY = statusBody(400, 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }]);
const CHAT = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

function lastUserText(body) {
  const content = [...(body.contents ?? [])].reverse().find((c) => c.role === 'user');
  return (content?.parts ?? []).map((p) => p.text ?? '').join('');
}

export async function startFakeUpstream() {
  const fake = {
    fault: undefined, rpc: undefined, details: undefined, errorMessage: 'fake error', parts: undefined, finishReason: 'STOP', blocked: false,
    usage: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
  };
  const response = (parts, finish, usage) => ({
    candidates: [{ content: { role: 'model', parts }, index: 0, ...(finish ? { finishReason: finish } : {}) }], usageMetadata: usage, modelVersion: MODEL, responseId: 'resp-fake',
  });
  return startFakeServer(fake, async ({ req, res, body, url, takeFault, interrupt }) => {
    if (req.headers['x-goog-api-key'] !== API_KEY) {
      send(res, 400, BAD_KEY);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/v1beta/models') {
      const models = [...MODELS.map((id) => ({ name: `models/${id}`, displayName: id.toUpperCase(), supportedGenerationMethods: ['generateContent', 'streamGenerateContent'], inputTokenLimit: 1048576, outputTokenLimit: 8192 })), { name: 'models/fake-embedding', supportedGenerationMethods: ['embedContent'] }];
      const start = Number(url.searchParams.get('pageToken') ?? 0);
      send(res, 200, { models: models.slice(start, start + 1), ...(start + 1 < models.length ? { nextPageToken: String(start + 1) } : {}) });
      return;
    }
    const fault = takeFault('{"candidates": [');
    if (fault === ANSWERED) return;
    if (typeof fault === 'number') {
      send(res, fault, statusBody(fault, fake.errorMessage, fake.details, fake.rpc));
      return;
    }
    const match = CHAT.exec(url.pathname);
    if (!match || !MODELS.includes(match[1])) {
      send(res, 404, statusBody(404, `models/${match?.[1]} is not found for API version v1beta`));
      return;
    }
    if (fake.blocked) {
      send(res, 200, { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 } });
      return;
    }
    const parts = fake.parts ?? [{ text: `echo: ${lastUserText(body)}` }];
    if (match[2] === 'generateContent') {
      send(res, 200, response(parts, fake.finishReason, fake.usage));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    const texts = parts.filter((p) => 'text' in p);
    const first = texts[0] ? texts[0].text.slice(0, Math.floor(texts[0].text.length / 2)) : '';
    res.write(`data: ${JSON.stringify(response([{ text: first }], undefined, { promptTokenCount: 3, totalTokenCount: 3 }))}\r\n\r\n`);
    if (await interrupt(fault)) return;
    if (fault === 'unavailable') {
      res.end(`data: ${JSON.stringify(statusBody(503, 'The model is overloaded. Please try again later.'))}\r\n\r\n`);
      return;
    }
    const rest = [...(texts[0] ? [{ text: texts[0].text.slice(first.length) }] : []), ...parts.filter((p) => !('text' in p)), ...texts.slice(1)];
    res.end(`data: ${JSON.stringify(response(rest, fake.finishReason, fake.usage))}\r\n\r\n`);
  });
}
