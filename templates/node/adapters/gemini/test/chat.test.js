// Chat completions against a fake Gemini API: request and answer mapping, errors,
// streamed chunks turned into OpenAI-style chunks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METADATA } from '../src/settings.js';
import { API_KEY, MODEL, startFakeUpstream, validConfig } from './fake-upstream.js';
import { assertCutMessage, assertError, serveAgainstFake } from './helpers.js';

const HELLO = { model: MODEL, messages: [{ role: 'user', content: 'hello there' }] };
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const WEATHER = { type: 'function', function: { name: 'weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const RETRY = { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' };
const quota = (quotaId) => ({ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId }] });

let upstream;
let app;
serveAgainstFake({ startFakeUpstream, validConfig, defaults: { rpc: undefined, details: undefined, parts: undefined, finishReason: 'STOP', blocked: false, usage: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 } }, use: (started) => ({ upstream, app } = started) });
const chat = async (request) => (await app.call('POST', '/chat/completions', request)).json();

describe('request and answer mapping', () => {
  it('maps the system prompt and generation settings, and the answer back', async () => {
    const request = { model: MODEL, messages: [{ role: 'system', content: 'Be terse.' }, HELLO.messages[0]], temperature: 0.2, top_p: 0.9, max_tokens: 50, stop: ['END'], plugin_specific: { x: 1 } };
    const response = await app.call('POST', '/chat/completions', request);
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.ok(Number.isInteger(body.created));
    assert.deepEqual(body.choices, [{ index: 0, message: { role: 'assistant', content: 'echo: hello there' }, finish_reason: 'stop' }]);
    assert.deepEqual(body.usage, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    const seen = upstream.received.at(-1);
    assert.equal(seen.path, `/v1beta/models/${MODEL}:generateContent`);
    assert.equal(seen.headers['x-goog-api-key'], API_KEY);
    assert.deepEqual(seen.body, {
      contents: [{ role: 'user', parts: [{ text: 'hello there' }] }],
      systemInstruction: { parts: [{ text: 'Be terse.' }] },
      generationConfig: { temperature: 0.2, topP: 0.9, maxOutputTokens: 50, stopSequences: ['END'] },
    });
  });

  it('sends images inline and refuses image URLs', async () => {
    await chat({ ...HELLO, messages: [{ role: 'user', content: [{ type: 'text', text: 'what?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }] });
    assert.deepEqual(upstream.received.at(-1).body.contents[0].parts[1], { inlineData: { mimeType: 'image/png', data: PNG } });
    const refused = await assertError(await app.call('POST', '/chat/completions', { ...HELLO, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } }] }] }), 'invalid_request', 400);
    assert.match(refused.message, /inline/);
  });

  it('maps tools, function calls and function responses both ways', async () => {
    upstream.parts = [{ text: 'Let me look.' }, { functionCall: { name: 'weather', args: { city: 'Lisbon' } } }];
    const messages = [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city": "Porto"}' } }] },
      { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
      { role: 'user', content: 'and Lisbon?' },
    ];
    const body = await chat({ model: MODEL, messages, tools: [WEATHER], tool_choice: { type: 'function', function: { name: 'weather' } } });
    assert.equal(body.choices[0].finish_reason, 'tool_calls');
    assert.equal(body.choices[0].message.content, 'Let me look.');
    const [call] = body.choices[0].message.tool_calls;
    assert.ok(call.id);
    assert.deepEqual(call.function, { name: 'weather', arguments: '{"city":"Lisbon"}' });
    const sent = upstream.received.at(-1).body;
    assert.deepEqual(sent.tools, [{ functionDeclarations: [{ name: 'weather', description: 'Weather in a city', parameters: WEATHER.function.parameters }] }]);
    assert.deepEqual(sent.toolConfig, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['weather'] } });
    assert.deepEqual(sent.contents[1], { role: 'model', parts: [{ functionCall: { name: 'weather', args: { city: 'Porto' } } }] });
    // functionResponse needs the function's name, found through the call id.
    assert.deepEqual(sent.contents[2], { role: 'user', parts: [{ functionResponse: { name: 'weather', response: { content: 'sunny' } } }, { text: 'and Lisbon?' }] });
  });

  for (const [reason, finish] of [['MAX_TOKENS', 'length'], ['SAFETY', 'content_filter'], ['RECITATION', 'content_filter'], ['OTHER', 'stop']]) {
    it(`maps finishReason ${reason} to ${finish}`, async () => {
      upstream.finishReason = reason;
      assert.equal((await chat(HELLO)).choices[0].finish_reason, finish);
    });
  }

  it('counts thinking tokens as completion tokens, and a blocked prompt is content_filter', async () => {
    upstream.usage = { promptTokenCount: 3, candidatesTokenCount: 2, thoughtsTokenCount: 10, totalTokenCount: 15 };
    assert.deepEqual((await chat(HELLO)).usage, { prompt_tokens: 3, completion_tokens: 12, total_tokens: 15 });
    upstream.blocked = true;
    await assertError(await app.call('POST', '/chat/completions', HELLO), 'content_filter', 422);
  });

  it('refuses a role Loom does not know with invalid_request', async () => {
    await assertError(await app.call('POST', '/chat/completions', { model: MODEL, messages: [{ role: 'wizard', content: 'hi' }] }), 'invalid_request', 400);
  });

  it('lists the chat models of every page', async () => {
    const extra = { capabilities: { streaming: true, function_calling: true, vision: true }, context_window: 1048576, max_output_tokens: 8192 };
    assert.deepEqual(await (await app.call('GET', '/models')).json(), [{ id: 'gemini-fake-flash', name: 'GEMINI-FAKE-FLASH', ...extra }, { id: 'gemini-fake-pro', name: 'GEMINI-FAKE-PRO', ...extra }]);
  });
});

describe('errors', () => {
  const table = [
    [400, undefined, undefined, 'Invalid JSON payload', 'invalid_request', 400, false],
    [400, 'FAILED_PRECONDITION', undefined, 'User location is not supported', 'quota_exceeded', 402, false],
    [403, undefined, undefined, 'permission denied', 'authentication_failed', 401, false],
    [429, undefined, [quota('GenerateRequestsPerDayPerProjectPerModel-FreeTier')], 'quota', 'quota_exceeded', 402, false],
    [429, undefined, undefined, 'You exceeded your current quota, please check your plan and billing details.', 'quota_exceeded', 402, false],
    [500, undefined, undefined, 'internal', 'provider_unavailable', 502, true],
    [503, undefined, undefined, 'The model is overloaded.', 'provider_unavailable', 503, true],
    [504, undefined, undefined, 'Deadline exceeded', 'timeout', 504, true],
  ];
  for (const [status, rpc, details, message, code, expectedStatus, transient] of table) {
    it(`maps Gemini ${status} ${rpc ?? ''} "${message.slice(0, 30)}" to ${code} ${expectedStatus}`, async () => {
      Object.assign(upstream, { fault: status, rpc, details, errorMessage: message });
      assert.equal((await assertError(await app.call('POST', '/chat/completions', HELLO), code, expectedStatus)).transient, transient);
    });
  }

  it('maps a bad key (a 400 at Gemini) to authentication_failed', async () => {
    await app.call('POST', '/initialize', validConfig(upstream.url, { api_key: 'wrong' }));
    await assertError(await app.call('POST', '/chat/completions', HELLO), 'authentication_failed', 401);
  });

  it('takes the rate limit wait from RetryInfo', async () => {
    Object.assign(upstream, { fault: 429, details: [quota('GenerateRequestsPerMinutePerProjectPerModel-FreeTier'), RETRY] });
    const response = await app.call('POST', '/chat/completions', HELLO);
    assert.equal(response.headers.get('retry-after'), '7');
    assert.equal((await assertError(response, 'rate_limit_exceeded', 429)).details.retry_after, 7);
  });
});

const events = (text) => text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6));

describe('streaming', { skip: !METADATA.capabilities.streaming && 'streaming capability is off' }, () => {
  it('turns Gemini chunks into OpenAI chunks ending with usage and [DONE]', async () => {
    const response = await app.call('POST', '/chat/completions', { ...HELLO, stream: true });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^text\/event-stream/);
    const all = events(await response.text());
    assert.equal(upstream.received.at(-1).path, `/v1beta/models/${MODEL}:streamGenerateContent`);
    assert.equal(upstream.received.at(-1).query, '?alt=sse');
    assert.equal(all.at(-1), '[DONE]');
    const chunks = all.slice(0, -1).map((event) => JSON.parse(event));
    assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk'));
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
    assert.equal(chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join(''), 'echo: hello there');
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
    assert.deepEqual(chunks.at(-1).usage, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  it('turns streamed function calls into tool call deltas', async () => {
    upstream.parts = [{ functionCall: { name: 'weather', args: { city: 'Lisbon' } } }];
    const chunks = events(await (await app.call('POST', '/chat/completions', { ...HELLO, tools: [WEATHER], stream: true })).text()).slice(0, -1).map((event) => JSON.parse(event));
    const calls = chunks.flatMap((chunk) => chunk.choices[0].delta.tool_calls ?? []);
    assert.equal(calls[0].index, 0);
    assert.deepEqual(calls[0].function, { name: 'weather', arguments: '{"city":"Lisbon"}' });
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'tool_calls');
  });

  it('answers an error before the stream as plain JSON', async () => {
    upstream.fault = 403;
    await assertError(await app.call('POST', '/chat/completions', { ...HELLO, stream: true }), 'authentication_failed', 401);
  });

  for (const [fault, code] of [['break', 'provider_unavailable'], ['stall', 'timeout'], ['cut', 'provider_unavailable'], ['unavailable', 'provider_unavailable']]) {
    it(`sends one ${code} event then [DONE] when the upstream stream ${fault}s`, async () => {
      await app.call('POST', '/initialize', validConfig(upstream.url, { timeout: 1 }));
      upstream.fault = fault;
      const response = await app.call('POST', '/chat/completions', { ...HELLO, stream: true });
      assert.equal(response.status, 200);
      const all = events(await response.text());
      assert.equal(JSON.parse(all[0]).object, 'chat.completion.chunk');
      const failure = JSON.parse(all.at(-2));
      assert.equal(failure.code, code);
      assert.equal(failure.transient, true);
      if (fault === 'cut' || fault === 'unavailable') assertCutMessage(failure.message);
      if (fault === 'unavailable') { // the provider's own words, in the sentence of every error it reports mid-stream
        assert.equal(failure.message, 'the provider reported an error while streaming the answer (UNAVAILABLE: The model is overloaded. Please try again later.); retrying may work');
      }
      assert.equal(all.at(-1), '[DONE]');
    });
  }
});
