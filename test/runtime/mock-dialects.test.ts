/**
 * The mock upstream in each provider dialect: paths, where the key goes, success bodies,
 * the dialect's own stream framing, every fault in the provider's native error shape and
 * status, an error mid-stream, detection from the first request, and pinning.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MOCK_UNKNOWN_MODEL, startMockUpstream, type DialectName, type MockUpstream } from '../../src/core/runtime/mock-upstream.js';

const KEY = 'sk-dialect-test-key';
const SYSTEM = 'be brief';
const USER = 'hello there';

interface Case {
  /** Path, headers and body of a chat request for `model`. */
  chat(model: string, stream: boolean, key: string): { path: string; headers: Record<string, string>; body: unknown };
  modelsPath: string;
  text(body: any): string;
  /** What identifies the error in the native body: code, type, status, or the message. */
  errorId(body: any): unknown;
  statuses: { unauthorized: number; unavailable: number };
  streamType: string;
  streamEnd: string;
  midStreamMarker: string;
  retryHint(headers: Headers, body: any): string | undefined;
}

const oaMessages = [{ role: 'system', content: SYSTEM }, { role: 'user', content: USER }];
const header = (headers: Headers) => headers.get('retry-after') ?? undefined;

const CASES: Record<DialectName, Case> = {
  openai: {
    chat: (model, stream, key) => ({ path: '/v1/chat/completions', headers: { authorization: `Bearer ${key}` }, body: { model, messages: oaMessages, temperature: 0.3, max_tokens: 50, stream } }),
    modelsPath: '/models',
    text: (b) => b.choices[0].message.content,
    errorId: (b) => b.error.code,
    statuses: { unauthorized: 401, unavailable: 503 },
    streamType: 'text/event-stream',
    streamEnd: 'data: [DONE]',
    midStreamMarker: '"error":{',
    retryHint: header,
  },
  azure: {
    chat: (model, stream, key) => ({ path: `/openai/deployments/${model}/chat/completions?api-version=2024-10-21`, headers: { 'api-key': key }, body: { messages: oaMessages, temperature: 0.3, max_tokens: 50, stream } }),
    modelsPath: '/openai/models?api-version=2024-10-21',
    text: (b) => b.choices[0].message.content,
    errorId: (b) => b.error.code,
    statuses: { unauthorized: 401, unavailable: 503 },
    streamType: 'text/event-stream',
    streamEnd: 'data: [DONE]',
    midStreamMarker: '"error":{',
    retryHint: header,
  },
  anthropic: {
    chat: (model, stream, key) => ({ path: '/v1/messages', headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01' }, body: { model, system: SYSTEM, messages: [{ role: 'user', content: USER }], temperature: 0.3, max_tokens: 50, stream } }),
    modelsPath: '/v1/models',
    text: (b) => b.content[0].text,
    errorId: (b) => b.type === 'error' && b.error.type,
    statuses: { unauthorized: 401, unavailable: 529 },
    streamType: 'text/event-stream',
    streamEnd: 'event: message_stop',
    midStreamMarker: 'event: error',
    retryHint: header,
  },
  gemini: {
    chat: (model, stream) => ({
      path: `/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
      headers: { 'x-goog-api-key': KEY_FOR.gemini },
      body: { systemInstruction: { parts: [{ text: SYSTEM }] }, contents: [{ role: 'user', parts: [{ text: USER }] }], generationConfig: { temperature: 0.3, maxOutputTokens: 50 } },
    }),
    modelsPath: '/v1beta/models',
    text: (b) => b.candidates[0].content.parts[0].text,
    errorId: (b) => b.error.status,
    statuses: { unauthorized: 400, unavailable: 503 },
    streamType: 'text/event-stream',
    streamEnd: '"finishReason":"STOP"',
    midStreamMarker: '"status":"UNAVAILABLE"',
    retryHint: (_h, b) => b.error.details?.find((d: any) => d['@type'].endsWith('RetryInfo'))?.retryDelay,
  },
  ollama: {
    chat: (model, stream, key) => ({ path: '/api/chat', headers: { authorization: `Bearer ${key}` }, body: { model, messages: oaMessages, options: { temperature: 0.3, num_predict: 50 }, stream } }),
    modelsPath: '/api/tags',
    text: (b) => b.message.content,
    errorId: (b) => typeof b.error === 'string' && b.error.length > 0,
    statuses: { unauthorized: 401, unavailable: 503 },
    streamType: 'application/x-ndjson',
    streamEnd: '"done":true',
    midStreamMarker: '{"error":"',
    retryHint: header,
  },
  cohere: {
    chat: (model, stream, key) => ({ path: '/v2/chat', headers: { authorization: `Bearer ${key}` }, body: { model, messages: oaMessages, temperature: 0.3, max_tokens: 50, stream } }),
    modelsPath: '/v1/models',
    text: (b) => b.message.content[0].text,
    errorId: (b) => typeof b.message === 'string' && Object.keys(b).length === 1,
    statuses: { unauthorized: 401, unavailable: 503 },
    streamType: 'text/event-stream',
    streamEnd: '"finish_reason":"COMPLETE"',
    midStreamMarker: '"finish_reason":"ERROR"',
    retryHint: header,
  },
};
// Gemini's key travels in a header the case builds before knowing the test's key.
const KEY_FOR = { gemini: KEY };

let mock: MockUpstream | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function send(target: MockUpstream, request: { path: string; headers: Record<string, string>; body: unknown }) {
  const response = await fetch(`${target.url}${request.path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...request.headers }, body: JSON.stringify(request.body) });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

describe.each(Object.keys(CASES) as DialectName[])('the mock upstream speaking %s', (name) => {
  const c = CASES[name];

  it('detects the dialect from the first chat, answers in its shape and reads the request in common terms', async () => {
    mock = await startMockUpstream({ apiKey: KEY, chunkDelayMs: 0 });
    expect(mock.dialect).toBeUndefined();
    const answer = await send(mock, c.chat('any-model-id', false, KEY));
    expect(answer.status, answer.text).toBe(200);
    expect(c.text(answer.json)).toBe(`mock reply to: ${USER}`);
    expect(mock.dialect).toBe(name);
    const seen = mock.received.at(-1)!;
    expect(seen.kind).toBe('chat');
    expect(seen.key).toBe(KEY);
    expect(seen.chat).toMatchObject({ model: 'any-model-id', system: SYSTEM, messages: [{ role: 'user', content: USER }], temperature: 0.3, maxTokens: 50 });
    const models = await fetch(`${mock.url}${c.modelsPath}`, { headers: { ...c.chat('m', false, KEY).headers } });
    expect(models.status).toBe(200);
    expect(JSON.stringify(await models.json())).toContain('mock-small');
  });

  it('streams in its own framing', async () => {
    mock = await startMockUpstream({ apiKey: KEY, chunkDelayMs: 0 });
    const answer = await send(mock, c.chat('any-model-id', true, KEY));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain(c.streamType);
    expect(answer.text).toContain(c.streamEnd);
    expect(answer.text.replace(/\\"/g, '"')).toContain('hello');
  });

  it('answers every fault in its native status and error shape', async () => {
    mock = await startMockUpstream({ apiKey: KEY, chunkDelayMs: 0 });
    const wrongKey = await send(mock, name === 'gemini' ? { ...c.chat('m', false, KEY), headers: { 'x-goog-api-key': 'nope' } } : c.chat('m', false, 'nope'));
    expect(wrongKey.status).toBe(c.statuses.unauthorized);
    expect(c.errorId(wrongKey.json)).toBeTruthy();
    const unknown = await send(mock, c.chat(MOCK_UNKNOWN_MODEL, false, KEY));
    expect(unknown.status).toBe(404);
    expect(c.errorId(unknown.json)).toBeTruthy();
    mock.next('rate-limit', { retryAfterSeconds: 3 });
    const limited = await send(mock, c.chat('m', false, KEY));
    expect(limited.status).toBe(429);
    expect(c.errorId(limited.json)).toBeTruthy();
    expect(c.retryHint(limited.headers, limited.json)).toMatch(/^3s?$/);
    mock.next('unavailable');
    const overloaded = await send(mock, c.chat('m', false, KEY));
    expect(overloaded.status).toBe(c.statuses.unavailable);
    expect(c.errorId(overloaded.json)).toBeTruthy();
    mock.next('server-error');
    expect((await send(mock, c.chat('m', false, KEY))).status).toBe(500);
    mock.next('malformed');
    const garbage = await send(mock, c.chat('m', false, KEY));
    expect(garbage.status).toBe(200);
    expect(garbage.json).toBeUndefined();
    mock.next('mid-stream-error');
    const broken = await send(mock, c.chat('m', true, KEY));
    expect(broken.status).toBe(200);
    expect(broken.text).toContain(c.midStreamMarker);
    expect(broken.text).not.toContain(c.streamEnd);
    mock.next('reset');
    await expect(send(mock, c.chat('m', false, KEY))).rejects.toThrow();
  });
});

describe('dialect detection and pinning', () => {
  it('a shared path (GET /v1/models with a Bearer key) does not decide the dialect; the first chat does', async () => {
    mock = await startMockUpstream({ apiKey: KEY });
    await fetch(`${mock.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(mock.dialect).toBeUndefined();
    await send(mock, CASES.cohere.chat('m', false, KEY));
    expect(mock.dialect).toBe('cohere');
    const models = await (await fetch(`${mock.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } })).json();
    expect(models).toHaveProperty('models');
  });

  it("Cohere's own model-list parameters decide it before any chat", async () => {
    mock = await startMockUpstream({ apiKey: KEY });
    const listed = await (await fetch(`${mock.url}/v1/models?endpoint=chat`, { headers: { authorization: `Bearer ${KEY}` } })).json();
    expect(mock.dialect).toBe('cohere');
    expect(listed.models.map((m: any) => m.name)).toContain('mock-small');
  });

  it('a pinned dialect answers other dialects\' paths with its own 404', async () => {
    mock = await startMockUpstream({ apiKey: KEY, dialect: 'anthropic' });
    expect(mock.dialect).toBe('anthropic');
    expect(mock.pinned).toBe(true);
    const other = await send(mock, CASES.openai.chat('m', false, KEY));
    expect(other.status).toBe(404);
    expect(other.json.type).toBe('error');
  });

  it('takes the Gemini key from ?key= and the snake_case body of Google\'s curl samples', async () => {
    mock = await startMockUpstream({ apiKey: KEY });
    const answer = await send(mock, {
      path: `/v1beta/models/gemini-x:generateContent?key=${KEY}`,
      headers: {},
      body: { system_instruction: { parts: [{ text: SYSTEM }] }, contents: [{ role: 'user', parts: [{ text: USER }] }], generation_config: { temperature: 0.5, max_output_tokens: 9 } },
    });
    expect(answer.status, answer.text).toBe(200);
    expect(mock.received.at(-1)?.chat).toMatchObject({ model: 'gemini-x', system: SYSTEM, temperature: 0.5, maxTokens: 9 });
  });

  it('refuses a request in its dialect that leaves out what the provider requires', async () => {
    mock = await startMockUpstream({ apiKey: KEY });
    const noMax = CASES.anthropic.chat('m', false, KEY);
    delete (noMax.body as any).max_tokens;
    const refused = await send(mock, noMax);
    expect(refused.status).toBe(400);
    expect(refused.json.error.type).toBe('invalid_request_error');
    const systemRole = CASES.anthropic.chat('m', false, KEY);
    (systemRole.body as any).messages.unshift({ role: 'system', content: SYSTEM });
    expect((await send(mock, systemRole)).status).toBe(400);
    const azure = CASES.azure.chat('dep', false, KEY);
    const noVersion = await send(mock, { ...azure, path: azure.path.replace(/\?.*/, '') });
    expect(noVersion.status).toBe(400);
  });
});
