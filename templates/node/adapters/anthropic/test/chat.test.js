// Chat completions against a fake Anthropic API: request and answer mapping, errors,
// streaming events turned into OpenAI-style chunks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METADATA } from '../src/settings.js';
import { API_KEY, MODEL, startFakeUpstream, validConfig } from './fake-upstream.js';
import { assertCutMessage, assertError, serveAgainstFake } from './helpers.js';

const HELLO = { model: MODEL, messages: [{ role: 'user', content: 'hello there' }] };
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const WEATHER = { type: 'function', function: { name: 'weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

let upstream;
let app;
serveAgainstFake({ startFakeUpstream, validConfig, defaults: { answer: undefined, stopReason: 'end_turn', usage: { input_tokens: 3, output_tokens: 2 } }, use: (started) => ({ upstream, app } = started) });
const chat = async (request) => (await app.call('POST', '/chat/completions', request)).json();

describe('request and answer mapping', () => {
  it('maps the system prompt, sampling and stop, and the answer back', async () => {
    const request = { model: MODEL, messages: [{ role: 'system', content: 'Be terse.' }, HELLO.messages[0]], temperature: 0.2, stop: 'END', plugin_specific: { x: 1 } };
    const response = await app.call('POST', '/chat/completions', request);
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.object, 'chat.completion');
    assert.ok(Number.isInteger(body.created));
    assert.deepEqual(body.choices, [{ index: 0, message: { role: 'assistant', content: 'echo: hello there' }, finish_reason: 'stop' }]);
    assert.deepEqual(body.usage, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    const seen = upstream.received.at(-1);
    assert.equal(seen.path, '/v1/messages');
    assert.equal(seen.headers['x-api-key'], API_KEY);
    assert.equal(seen.headers['anthropic-version'], '2023-06-01');
    assert.deepEqual(seen.body, {
      model: MODEL, messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }],
      max_tokens: 4096, system: 'Be terse.', temperature: 0.2, stop_sequences: ['END'],
    });
  });

  it('sends the request max tokens when there is one', async () => {
    await chat({ ...HELLO, max_completion_tokens: 7 });
    assert.equal(upstream.received.at(-1).body.max_tokens, 7);
    await chat({ ...HELLO, max_tokens: 9 });
    assert.equal(upstream.received.at(-1).body.max_tokens, 9);
  });

  it('turns image parts into image blocks', async () => {
    const content = [{ type: 'text', text: 'what?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }, { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } }];
    await chat({ ...HELLO, messages: [{ role: 'user', content }] });
    const blocks = upstream.received.at(-1).body.messages[0].content;
    assert.deepEqual(blocks[1], { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } });
    assert.deepEqual(blocks[2], { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } });
  });

  it('maps tools, tool calls and tool results both ways', async () => {
    upstream.answer = [{ type: 'text', text: 'Let me look.' }, { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Lisbon' } }];
    upstream.stopReason = 'tool_use';
    const messages = [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_0', type: 'function', function: { name: 'weather', arguments: '{"city": "Porto"}' } }] },
      { role: 'tool', tool_call_id: 'toolu_0', content: 'sunny' },
      { role: 'user', content: 'and Lisbon?' },
    ];
    const body = await chat({ model: MODEL, messages, tools: [WEATHER], tool_choice: 'required' });
    assert.equal(body.choices[0].finish_reason, 'tool_calls');
    assert.equal(body.choices[0].message.content, 'Let me look.');
    assert.deepEqual(body.choices[0].message.tool_calls, [{ id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Lisbon"}' } }]);
    const sent = upstream.received.at(-1).body;
    assert.deepEqual(sent.tools, [{ name: 'weather', description: 'Weather in a city', input_schema: WEATHER.function.parameters }]);
    assert.deepEqual(sent.tool_choice, { type: 'any' });
    assert.deepEqual(sent.messages[1], { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_0', name: 'weather', input: { city: 'Porto' } }] });
    // The tool result and the next user text share one user turn: roles must alternate.
    assert.deepEqual(sent.messages[2], { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_0', content: 'sunny' }, { type: 'text', text: 'and Lisbon?' }] });
  });

  for (const [stopReason, finish] of [['max_tokens', 'length'], ['refusal', 'content_filter'], ['stop_sequence', 'stop']]) {
    it(`maps stop_reason ${stopReason} to finish_reason ${finish}`, async () => {
      upstream.stopReason = stopReason;
      assert.equal((await chat(HELLO)).choices[0].finish_reason, finish);
    });
  }

  it('counts cached input as prompt tokens', async () => {
    upstream.usage = { input_tokens: 3, cache_creation_input_tokens: 10, cache_read_input_tokens: 20, output_tokens: 4 };
    assert.deepEqual((await chat(HELLO)).usage, { prompt_tokens: 33, completion_tokens: 4, total_tokens: 37 });
  });

  it('refuses a role Loom does not know and a non-image data URL with invalid_request', async () => {
    const bad = [{ model: MODEL, messages: [{ role: 'wizard', content: 'hi' }] },
      { model: MODEL, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:text/plain,hi' } }] }] }];
    for (const body of bad) await assertError(await app.call('POST', '/chat/completions', body), 'invalid_request', 400);
  });

  it('lists the models of every page', async () => {
    const extra = { capabilities: { streaming: true, function_calling: true, vision: true }, context_window: 200000, max_output_tokens: 64000 };
    assert.deepEqual(await (await app.call('GET', '/models')).json(), [{ id: 'claude-fake-small', name: 'CLAUDE-FAKE-SMALL', ...extra }, { id: 'claude-fake-large', name: 'CLAUDE-FAKE-LARGE', ...extra }]);
  });
});

describe('errors', () => {
  const table = [
    [400, 'messages: roles must alternate', 'invalid_request', 400, false],
    [400, 'You have reached your specified API usage limits (spend limit).', 'quota_exceeded', 402, false],
    [401, 'invalid x-api-key', 'authentication_failed', 401, false],
    [403, 'no permission', 'authentication_failed', 401, false],
    [402, 'billing', 'quota_exceeded', 402, false],
    [413, 'too large', 'invalid_request', 400, false],
    [500, 'Internal server error', 'provider_unavailable', 502, true],
    [529, 'Overloaded', 'provider_unavailable', 503, true],
    [504, 'The request timed out while processing.', 'timeout', 504, true],
  ];
  for (const [status, message, code, expectedStatus, transient] of table) {
    it(`maps Anthropic ${status} "${message}" to ${code} ${expectedStatus}`, async () => {
      upstream.fault = status;
      upstream.errorMessage = message;
      const body = await assertError(await app.call('POST', '/chat/completions', HELLO), code, expectedStatus);
      assert.equal(body.transient, transient);
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
  it('turns Anthropic events into OpenAI chunks ending with usage and [DONE]', async () => {
    const response = await app.call('POST', '/chat/completions', { ...HELLO, stream: true });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^text\/event-stream/);
    const all = events(await response.text());
    assert.equal(all.at(-1), '[DONE]');
    const chunks = all.slice(0, -1).map((event) => JSON.parse(event));
    assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === 'msg_fake'));
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
    assert.equal(chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join(''), 'echo: hello there');
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
    assert.deepEqual(chunks.at(-1).usage, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    assert.equal(upstream.received.at(-1).body.stream, true);
  });

  it('turns streamed tool use into tool call deltas', async () => {
    upstream.answer = [{ type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Lisbon' } }];
    upstream.stopReason = 'tool_use';
    const response = await app.call('POST', '/chat/completions', { ...HELLO, tools: [WEATHER], stream: true });
    const chunks = events(await response.text()).slice(0, -1).map((event) => JSON.parse(event));
    const calls = chunks.flatMap((chunk) => chunk.choices[0].delta.tool_calls ?? []);
    assert.deepEqual(calls[0], { index: 0, id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '' } });
    assert.deepEqual(JSON.parse(calls.map((call) => call.function.arguments).join('')), { city: 'Lisbon' });
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'tool_calls');
  });

  it('answers an error before the stream as plain JSON', async () => {
    upstream.fault = 401;
    await assertError(await app.call('POST', '/chat/completions', { ...HELLO, stream: true }), 'authentication_failed', 401);
  });

  for (const [fault, code] of [['break', 'provider_unavailable'], ['stall', 'timeout'], ['cut', 'provider_unavailable'], ['overloaded', 'provider_unavailable']]) {
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
      if (fault === 'cut' || fault === 'overloaded') assertCutMessage(failure.message);
      if (fault === 'overloaded') assert.equal(failure.message, 'the provider reported an error while streaming the answer (overloaded_error); retrying may work');
      assert.equal(all.at(-1), '[DONE]');
    });
  }
});
