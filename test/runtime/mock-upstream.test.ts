import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginClient } from '../../src/core/runtime/http-client.js';
import { MOCK_UNKNOWN_MODEL, startMockUpstream, type MockUpstream } from '../../src/core/runtime/mock-upstream.js';
import { markerText } from '../../src/core/runtime/mock-script.js';

let mock: MockUpstream;
let client: PluginClient;
const chat = { model: 'mock-small', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello there' }], temperature: 0.2 };

beforeEach(async () => {
  mock = await startMockUpstream({ apiKey: 'sk-test-key', chunkDelayMs: 40 });
  client = new PluginClient(mock.url, { timeoutMs: 2000 });
});
afterEach(async () => {
  await client.close();
  await mock.close();
});

const auth = () => ({ headers: { Authorization: 'Bearer sk-test-key' } });

describe('mock upstream', () => {
  it('listens on 127.0.0.1 and answers a valid chat completion with usage that adds up', async () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const exchange = await client.request('POST', '/chat/completions', { json: chat, ...auth() });
    expect(exchange.status).toBe(200);
    const body = exchange.json as any;
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('mock-small');
    expect(Number.isInteger(body.created)).toBe(true);
    expect(body.choices[0].message).toEqual({ role: 'assistant', content: 'mock reply to: hello there' });
    expect(body.usage.prompt_tokens + body.usage.completion_tokens).toBe(body.usage.total_tokens);
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    // /v1 prefix is the same endpoint.
    expect((await client.request('POST', '/v1/chat/completions', { json: chat, ...auth() })).status).toBe(200);
  });

  it('lists models in the OpenAI list shape on /models and /v1/models', async () => {
    for (const path of ['/models', '/v1/models']) {
      const exchange = await client.request('GET', path, auth());
      expect(exchange.status).toBe(200);
      const body = exchange.json as any;
      expect(body.object).toBe('list');
      expect(body.data.map((m: any) => m.id)).toEqual(mock.models);
    }
  });

  it('refuses a missing or wrong key with an OpenAI-style 401', async () => {
    const none = await client.request('POST', '/chat/completions', { json: chat });
    expect(none.status).toBe(401);
    expect((none.json as any).error.code).toBe('invalid_api_key');
    const wrong = await client.request('GET', '/models', { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('serves any model id and echoes it back, except the reserved unknown one (404 model_not_found)', async () => {
    const own = await client.request('POST', '/chat/completions', { json: { ...chat, model: 'acme-chat-1' }, ...auth() });
    expect(own.status).toBe(200);
    expect((own.json as any).model).toBe('acme-chat-1');
    const exchange = await client.request('POST', '/chat/completions', { json: { ...chat, model: MOCK_UNKNOWN_MODEL }, ...auth() });
    expect(exchange.status).toBe(404);
    expect((exchange.json as any).error.code).toBe('model_not_found');
  });

  it('records every request with headers and parsed body', async () => {
    await client.request('POST', '/chat/completions', { json: chat, ...auth() });
    await client.request('GET', '/models', auth());
    expect(mock.received.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /chat/completions', 'GET /models']);
    expect(mock.received[0]?.body).toEqual(chat);
    expect(mock.received[0]?.headers.authorization).toBe('Bearer sk-test-key');
    mock.reset();
    expect(mock.received).toEqual([]);
  });

  it('keeps its records bounded in number and size: a plugin that polls or floods it during a hold', async () => {
    for (let i = 0; i < 300; i += 1) await client.request('GET', `/models?n=${i}`, auth());
    expect(mock.received.length).toBeLessThanOrEqual(256);
    // The newest are kept: a check reads what came since its last reset.
    expect(mock.received.at(-1)?.path).toBe('/models');
    expect(mock.received.at(-1)?.headers).toBeDefined();
    // 3 MB bodies: 16 MB of them at most (was every one of them, forever).
    const big = { ...chat, messages: [{ role: 'user', content: 'x'.repeat(3 * 1024 * 1024) }] };
    for (let i = 0; i < 8; i += 1) await client.request('POST', '/chat/completions', { json: big, ...auth() });
    const kept = mock.received.reduce((sum, r) => sum + JSON.stringify(r.body ?? '').length, 0);
    expect(kept).toBeLessThanOrEqual(16 * 1024 * 1024 + 1024);
    expect(mock.received.at(-1)?.body).toEqual(big);
    mock.reset();
    await client.request('GET', '/models', auth());
    expect(mock.received).toHaveLength(1);
  });

  it.each([
    ['unauthorized', 401, undefined],
    ['not-found', 404, 'model_not_found'],
    ['server-error', 500, undefined],
    ['unavailable', 503, undefined],
  ] as const)('fault %s answers %i once, then ok again', async (fault, status, code) => {
    mock.next(fault);
    const faulty = await client.request('POST', '/chat/completions', { json: chat, ...auth() });
    expect(faulty.status).toBe(status);
    expect((faulty.json as any).error).toBeDefined();
    if (code) expect((faulty.json as any).error.code).toBe(code);
    expect((await client.request('POST', '/chat/completions', { json: chat, ...auth() })).status).toBe(200);
  });

  it('rate-limit answers 429 with Retry-After (default 7 or given), FIFO with times', async () => {
    mock.next('rate-limit');
    mock.next('rate-limit', { times: 2, retryAfterSeconds: 3 });
    const statuses: Array<[number | undefined, string | undefined]> = [];
    for (let i = 0; i < 4; i += 1) {
      const e = await client.request('POST', '/chat/completions', { json: chat, ...auth() });
      statuses.push([e.status, e.headers['retry-after']]);
    }
    expect(statuses).toEqual([
      [429, '7'],
      [429, '3'],
      [429, '3'],
      [200, undefined],
    ]);
  });

  it('scripts faults per request by the marker in the chat text: requests in flight together keep their own', async () => {
    const marked = (id: string) => ({ ...chat, messages: [...chat.messages, { role: 'user', content: `again ${markerText(id)}` }] });
    mock.script('hang-1', 'hang', { times: 3 });
    mock.script('unavailable-2', 'unavailable', { times: 1, unmarked: true });
    const seen = mock.seen('hang-1');
    const hung = client.request('POST', '/chat/completions', { json: marked('hang-1'), ...auth(), timeoutMs: 300, breaker: false });
    await seen;
    // Sent while the hang is held: each gets its own script, none takes the other's.
    const [mine, plain, later] = await Promise.all([
      client.request('POST', '/chat/completions', { json: marked('unavailable-2'), ...auth() }),
      client.request('POST', '/chat/completions', { json: chat, ...auth() }),
      client.request('POST', '/chat/completions', { json: marked('rate-limit-9'), ...auth() }),
    ]);
    expect(mine.status).toBe(503);
    // times: 1 was used by the marked request; the one lent to unmarked requests is used up too.
    expect(plain.status).toBe(200);
    expect(later.status).toBe(200);
    expect((await hung).status).toBeUndefined();
    expect(mock.received.filter((r) => r.marker === 'hang-1')).toHaveLength(1);
    // reset() clears the records and the queue, not a marked script still in use.
    mock.reset();
    const again = await client.request('POST', '/chat/completions', { json: marked('hang-1'), ...auth(), timeoutMs: 200, breaker: false });
    expect(again.status).toBeUndefined();
    mock.unscript('hang-1');
    expect((await client.request('POST', '/chat/completions', { json: marked('hang-1'), ...auth() })).status).toBe(200);
  });

  it('slow answers as usual after a pause', async () => {
    await mock.close();
    mock = await startMockUpstream({ apiKey: 'sk-test-key', slowMs: 150 });
    await client.close();
    client = new PluginClient(mock.url, { timeoutMs: 2000 });
    mock.next('slow');
    const t0 = performance.now();
    const exchange = await client.request('POST', '/chat/completions', { json: chat, ...auth() });
    expect(exchange.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('faults apply to chat only, not to /models', async () => {
    mock.next('server-error');
    expect((await client.request('GET', '/models', auth())).status).toBe(200);
    expect((await client.request('POST', '/chat/completions', { json: chat, ...auth() })).status).toBe(500);
  });

  it('reset destroys the connection', async () => {
    mock.next('reset');
    const exchange = await client.request('POST', '/chat/completions', { json: chat, ...auth() });
    expect(exchange.status).toBeUndefined();
    expect(exchange.error?.kind).toBe('reset');
  });

  it('malformed answers 200 with a body that is not JSON', async () => {
    mock.next('malformed');
    const exchange = await client.request('POST', '/chat/completions', { json: chat, ...auth() });
    expect(exchange.status).toBe(200);
    expect(exchange.json).toBeUndefined();
    expect(exchange.jsonError).toBeTruthy();
  });

  it('hang never answers, and close() ends the hanging response promptly', async () => {
    mock.next('hang');
    const pending = client.request('POST', '/chat/completions', { json: chat, ...auth(), timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(mock.received).toHaveLength(1);
    const t0 = Date.now();
    await mock.close();
    const exchange = await pending;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(exchange.status).toBeUndefined();
    expect(exchange.error?.kind).toBe('reset');
  });

  it('streams SSE chunks with delays between them, content adding up, [DONE] last', async () => {
    const exchange = await client.stream('/chat/completions', { ...chat, stream: true }, auth());
    expect(exchange.status).toBe(200);
    expect(exchange.headers['content-type']).toContain('text/event-stream');
    expect(exchange.events.at(-1)).toBe('[DONE]');
    const chunks = exchange.events.slice(0, -1).map((e) => JSON.parse(e));
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    const text = chunks.map((c) => c.choices[0].delta.content ?? '').join('');
    expect(text).toBe('mock reply to: hello there');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    expect((exchange.lastByteMs ?? 0) - (exchange.firstByteMs ?? 0)).toBeGreaterThanOrEqual(100);
  });

  it('a fault before a stream is an ordinary error answer', async () => {
    mock.next('unauthorized');
    const exchange = await client.stream('/chat/completions', { ...chat, stream: true }, auth());
    expect(exchange.status).toBe(401);
    expect(exchange.events).toEqual([]);
    expect((exchange.json as any).error).toBeDefined();
  });

  it('rejects a chat without messages with 400, without consuming the script', async () => {
    mock.next('server-error');
    const bad = await client.request('POST', '/chat/completions', { json: { model: 'mock-small' }, ...auth() });
    expect(bad.status).toBe(400);
    expect((await client.request('POST', '/chat/completions', { json: chat, ...auth() })).status).toBe(500);
  });

  it('can run without an auth check', async () => {
    const open = await startMockUpstream({ requireAuth: false });
    const c = new PluginClient(open.url, { timeoutMs: 2000 });
    expect((await c.request('POST', '/chat/completions', { json: chat })).status).toBe(200);
    await c.close();
    await open.close();
  });
});
