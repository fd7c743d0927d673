// Chat completions against a fake Cohere v2 API: request and answer mapping, errors,
// typed stream events turned into OpenAI-style chunks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METADATA } from '../src/settings.js';
import { API_KEY, MODEL, startFakeUpstream, validConfig } from './fake-upstream.js';
import { assertCutMessage, assertError, serveAgainstFake } from './helpers.js';

const HELLO = { model: MODEL, messages: [{ role: 'user', content: 'hello there' }] };
const PNG_URL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const WEATHER = { type: 'function', function: { name: 'weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const CLOCK = { type: 'function', function: { name: 'clock', parameters: { type: 'object' } } };
const CALL = [{ id: 'weather_1', type: 'function', function: { name: 'weather', arguments: '{"city": "Lisbon"}' } }];

let upstream;
let app;
serveAgainstFake({ startFakeUpstream, validConfig, defaults: { toolCalls: undefined, finishReason: 'COMPLETE' }, use: (started) => ({ upstream, app } = started) });
const chat = async (request) => (await app.call('POST', '/chat/completions', request)).json();

describe('request and answer mapping', () => {
  it('puts the system turn first, maps settings, and the answer back', async () => {
    const request = { model: MODEL, messages: [HELLO.messages[0], { role: 'system', content: 'Be terse.' }], temperature: 0.2, top_p: 0.9, max_tokens: 50, stop: 'END', plugin_specific: { x: 1 } };
    const response = await app.call('POST', '/chat/completions', request);
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.id, 'c-fake');
    assert.deepEqual(body.choices, [{ index: 0, message: { role: 'assistant', content: 'echo: hello there' }, finish_reason: 'stop' }]);
    assert.deepEqual(body.usage, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }, 'tokens, not billed_units');
    const seen = upstream.received.at(-1);
    assert.equal(seen.path, '/v2/chat');
    assert.equal(seen.headers.authorization, `Bearer ${API_KEY}`);
    assert.deepEqual(seen.body, {
      model: MODEL, messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'hello there' }],
      temperature: 0.2, p: 0.9, max_tokens: 50, stop_sequences: ['END'],
    });
  });

  it('passes image parts as image_url parts', async () => {
    await chat({ ...HELLO, messages: [{ role: 'user', content: [{ type: 'text', text: 'what?' }, { type: 'image_url', image_url: { url: PNG_URL, detail: 'low' } }] }] });
    assert.deepEqual(upstream.received.at(-1).body.messages[0], { role: 'user', content: [{ type: 'text', text: 'what?' }, { type: 'image_url', image_url: { url: PNG_URL } }] });
  });

  it('maps tools, tool choice, tool calls and tool results', async () => {
    upstream.toolCalls = CALL;
    upstream.finishReason = 'TOOL_CALL';
    const messages = [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city": "Porto"}' } }] },
      { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
      { role: 'user', content: 'and Lisbon?' },
    ];
    const body = await chat({ model: MODEL, messages, tools: [WEATHER, CLOCK], tool_choice: 'required' });
    assert.equal(body.choices[0].finish_reason, 'tool_calls');
    assert.equal(body.choices[0].message.content, null);
    assert.deepEqual(body.choices[0].message.tool_calls, CALL);
    const sent = upstream.received.at(-1).body;
    assert.deepEqual(sent.tools, [WEATHER, CLOCK]);
    assert.equal(sent.tool_choice, 'REQUIRED');
    assert.deepEqual(sent.messages[1], { role: 'assistant', tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city": "Porto"}' } }] });
    assert.deepEqual(sent.messages[2], { role: 'tool', tool_call_id: 'call_a', content: 'sunny' });
    await chat({ ...HELLO, tools: [WEATHER, CLOCK], tool_choice: { type: 'function', function: { name: 'clock' } } });
    assert.deepEqual(upstream.received.at(-1).body.tools, [CLOCK], 'a named tool: REQUIRED over just that tool');
    assert.equal(upstream.received.at(-1).body.tool_choice, 'REQUIRED');
  });

  for (const [reason, finish] of [['MAX_TOKENS', 'length'], ['STOP_SEQUENCE', 'stop']]) {
    it(`maps finish_reason ${reason} to ${finish}`, async () => {
      upstream.finishReason = reason;
      assert.equal((await chat(HELLO)).choices[0].finish_reason, finish);
    });
  }

  it('answers failed generations (ERROR, TIMEOUT) with errors', async () => {
    upstream.finishReason = 'ERROR';
    const error = await assertError(await app.call('POST', '/chat/completions', HELLO), 'provider_unavailable', 502);
    assert.equal(error.message, 'the provider reported an error while generating the answer; retrying may work');
    upstream.finishReason = 'TIMEOUT';
    const timeout = await assertError(await app.call('POST', '/chat/completions', HELLO), 'timeout', 504);
    assert.equal(timeout.message, 'the provider reported a timeout while generating the answer; retrying may work');
  });

  it('refuses a role Loom does not know with invalid_request', async () => {
    await assertError(await app.call('POST', '/chat/completions', { model: MODEL, messages: [{ role: 'wizard', content: 'hi' }] }), 'invalid_request', 400);
  });

  it('lists the chat models of every page with their features', async () => {
    assert.deepEqual(await (await app.call('GET', '/models')).json(), [
      { id: 'command-fake', name: 'command-fake', capabilities: { streaming: true, function_calling: true, vision: false }, context_window: 128000 },
      { id: 'command-fake-vision', name: 'command-fake-vision', capabilities: { streaming: true, function_calling: true, vision: true }, context_window: 128000 },
    ]);
  });
});

describe('errors', () => {
  const table = [[400, 'invalid_request', 400, false], [422, 'invalid_request', 400, false], [402, 'quota_exceeded', 402, false], [403, 'authentication_failed', 401, false],
    [498, 'authentication_failed', 401, false], [500, 'provider_unavailable', 502, true], [501, 'invalid_request', 400, false], [503, 'provider_unavailable', 503, true], [504, 'timeout', 504, true]];
  for (const [status, code, expectedStatus, transient] of table) {
    it(`maps Cohere ${status} to ${code} ${expectedStatus}`, async () => {
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
  it('turns typed events into OpenAI chunks ending with usage and one [DONE]', async () => {
    const response = await app.call('POST', '/chat/completions', { ...HELLO, stream: true });
    assert.equal(response.status, 200);
    const all = events(await response.text());
    assert.equal(upstream.received.at(-1).body.stream, true);
    assert.equal(all.at(-1), '[DONE]');
    assert.equal(all.filter((event) => event === '[DONE]').length, 1);
    const chunks = all.slice(0, -1).map((event) => JSON.parse(event));
    assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === 'c-fake'));
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
    assert.equal(chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join(''), 'echo: hello there');
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
    assert.deepEqual(chunks.at(-1).usage, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  it('turns streamed tool calls into tool call deltas', async () => {
    upstream.toolCalls = CALL;
    upstream.finishReason = 'TOOL_CALL';
    const chunks = events(await (await app.call('POST', '/chat/completions', { ...HELLO, tools: [WEATHER], stream: true })).text()).slice(0, -1).map((event) => JSON.parse(event));
    const calls = chunks.flatMap((chunk) => chunk.choices[0].delta.tool_calls ?? []);
    assert.deepEqual(calls[0], { index: 0, id: 'weather_1', type: 'function', function: { name: 'weather', arguments: '' } });
    assert.deepEqual(JSON.parse(calls.map((call) => call.function.arguments).join('')), { city: 'Lisbon' });
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'tool_calls');
  });

  it('answers an error before the stream as plain JSON', async () => {
    upstream.fault = 402;
    await assertError(await app.call('POST', '/chat/completions', { ...HELLO, stream: true }), 'quota_exceeded', 402);
  });

  for (const [fault, code] of [['break', 'provider_unavailable'], ['stall', 'timeout'], ['cut', 'provider_unavailable'], ['error', 'provider_unavailable']]) {
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
      if (fault === 'cut' || fault === 'error') assertCutMessage(failure.message);
      if (fault === 'error') { // the provider's own words, in the sentence of every error it reports mid-stream
        assert.equal(failure.message, 'the provider reported an error while streaming the answer (internal server error while generating); retrying may work');
      }
      assert.equal(all.at(-1), '[DONE]');
    });
  }
});
