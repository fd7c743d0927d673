// Chat completions against a fake Ollama server: request and answer mapping, errors, the
// NDJSON stream turned into OpenAI-style SSE chunks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METADATA } from '../src/settings.js';
import { API_KEY, MODEL, startFakeUpstream, validConfig } from './fake-upstream.js';
import { assertCutMessage, assertError, serveAgainstFake } from './helpers.js';

const HELLO = { model: MODEL, messages: [{ role: 'user', content: 'hello there' }] };
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const WEATHER = { type: 'function', function: { name: 'weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const CALL = [{ function: { name: 'weather', arguments: { city: 'Lisbon' } } }];

let upstream;
let app;
serveAgainstFake({ startFakeUpstream, validConfig, defaults: { toolCalls: undefined, doneReason: 'stop' }, use: (started) => ({ upstream, app } = started) });
const chat = async (request) => (await app.call('POST', '/chat/completions', request)).json();

describe('request and answer mapping', () => {
  it('maps the messages and options, and the answer back', async () => {
    const request = { model: MODEL, messages: [{ role: 'system', content: 'Be terse.' }, HELLO.messages[0]], temperature: 0.2, max_completion_tokens: 50, stop: 'END', plugin_specific: { x: 1 } };
    const response = await app.call('POST', '/chat/completions', request);
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.deepEqual(body.choices, [{ index: 0, message: { role: 'assistant', content: 'echo: hello there' }, finish_reason: 'stop' }]);
    assert.deepEqual(body.usage, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    const seen = upstream.received.at(-1);
    assert.equal(seen.path, '/api/chat');
    assert.equal(seen.headers.authorization, undefined, 'a local Ollama takes no key');
    assert.deepEqual(seen.body, {
      model: MODEL, messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'hello there' }],
      options: { temperature: 0.2, num_predict: 50, stop: ['END'] }, stream: false,
    });
  });

  it('sends a configured key as a Bearer token', async () => {
    await app.call('POST', '/initialize', validConfig(upstream.url, { api_key: API_KEY }));
    await chat(HELLO);
    assert.equal(upstream.received.at(-1).headers.authorization, `Bearer ${API_KEY}`);
  });

  it('puts images as base64 beside the text and refuses image URLs', async () => {
    await chat({ ...HELLO, messages: [{ role: 'user', content: [{ type: 'text', text: 'what?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }] });
    assert.deepEqual(upstream.received.at(-1).body.messages[0], { role: 'user', content: 'what?', images: [PNG] });
    await assertError(await app.call('POST', '/chat/completions', { ...HELLO, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } }] }] }), 'invalid_request', 400);
  });

  it('maps tools, tool calls and tool results both ways', async () => {
    upstream.toolCalls = CALL;
    const messages = [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city": "Porto"}' } }] },
      { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
      { role: 'user', content: 'and Lisbon?' },
    ];
    const body = await chat({ model: MODEL, messages, tools: [WEATHER], tool_choice: 'auto' });
    assert.equal(body.choices[0].finish_reason, 'tool_calls');
    assert.equal(body.choices[0].message.content, null);
    const [call] = body.choices[0].message.tool_calls;
    assert.ok(call.id);
    assert.deepEqual(call.function, { name: 'weather', arguments: '{"city":"Lisbon"}' });
    const sent = upstream.received.at(-1).body;
    assert.deepEqual(sent.tools, [WEATHER]);
    assert.deepEqual(sent.messages[1], { role: 'assistant', content: '', tool_calls: [{ function: { name: 'weather', arguments: { city: 'Porto' } } }] });
    assert.deepEqual(sent.messages[2], { role: 'tool', content: 'sunny', tool_call_id: 'call_a', tool_name: 'weather' });
    await chat({ model: MODEL, messages, tools: [WEATHER], tool_choice: 'none' });
    assert.equal(upstream.received.at(-1).body.tools, undefined, 'Ollama has no tool_choice');
  });

  it('maps done_reason length', async () => {
    upstream.doneReason = 'length';
    assert.equal((await chat(HELLO)).choices[0].finish_reason, 'length');
  });

  it('refuses a role Loom does not know with invalid_request', async () => {
    await assertError(await app.call('POST', '/chat/completions', { model: MODEL, messages: [{ role: 'wizard', content: 'hi' }] }), 'invalid_request', 400);
  });

  it('lists the models from /api/tags', async () => {
    const models = await (await app.call('GET', '/models')).json();
    assert.deepEqual(models.map((model) => model.id), ['llama-fake:latest', 'llava-fake:7b']);
    assert.deepEqual(models[0], { id: 'llama-fake:latest', name: 'llama-fake:latest', capabilities: { streaming: true }, description: 'llama 3.2B Q4_K_M' });
  });
});

describe('errors', () => {
  const table = [[400, 'invalid_request', 400, false], [401, 'authentication_failed', 401, false], [403, 'authentication_failed', 401, false], [500, 'provider_unavailable', 502, true], [502, 'provider_unavailable', 502, true], [503, 'provider_unavailable', 503, true]];
  for (const [status, code, expectedStatus, transient] of table) {
    it(`maps Ollama ${status} to ${code} ${expectedStatus}`, async () => {
      upstream.fault = status;
      assert.equal((await assertError(await app.call('POST', '/chat/completions', HELLO), code, expectedStatus)).transient, transient);
    });
  }

  it('passes a rate limit on with Retry-After', async () => {
    upstream.fault = 429;
    upstream.retryAfter = '7';
    const response = await app.call('POST', '/chat/completions', HELLO);
    assert.equal(response.headers.get('retry-after'), '7');
    assert.equal((await assertError(response, 'rate_limit_exceeded', 429)).details.retry_after, 7);
  });
});

const events = (text) => text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6));

describe('streaming', { skip: !METADATA.capabilities.streaming && 'streaming capability is off' }, () => {
  it('turns NDJSON lines into OpenAI chunks ending with usage and [DONE]', async () => {
    const response = await app.call('POST', '/chat/completions', { ...HELLO, stream: true });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^text\/event-stream/);
    const all = events(await response.text());
    assert.equal(upstream.received.at(-1).body.stream, true);
    assert.equal(all.at(-1), '[DONE]');
    const chunks = all.slice(0, -1).map((event) => JSON.parse(event));
    assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk'));
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
    assert.equal(chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join(''), 'echo: hello there');
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
    assert.deepEqual(chunks.at(-1).usage, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  it('turns streamed tool calls into tool call deltas', async () => {
    upstream.toolCalls = CALL;
    const chunks = events(await (await app.call('POST', '/chat/completions', { ...HELLO, tools: [WEATHER], stream: true })).text()).slice(0, -1).map((event) => JSON.parse(event));
    const calls = chunks.flatMap((chunk) => chunk.choices[0].delta.tool_calls ?? []);
    assert.equal(calls[0].index, 0);
    assert.deepEqual(calls[0].function, { name: 'weather', arguments: '{"city":"Lisbon"}' });
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'tool_calls');
  });

  it('answers an error before the stream as plain JSON', async () => {
    upstream.fault = 404;
    await assertError(await app.call('POST', '/chat/completions', { ...HELLO, stream: true }), 'model_not_found', 404);
  });

  for (const [fault, code] of [['break', 'provider_unavailable'], ['stall', 'timeout'], ['cut', 'provider_unavailable'], ['runner', 'provider_unavailable']]) {
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
      if (fault === 'cut' || fault === 'runner') assertCutMessage(failure.message);
      if (fault === 'runner') assert.equal(failure.message, 'the provider reported an error while streaming the answer (an error was encountered while running the model: unexpected EOF); retrying may work');
      assert.equal(all.at(-1), '[DONE]');
    });
  }
});
