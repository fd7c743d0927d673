// Chat completions: forwarding, strict shapes, the error table, streaming. What the
// upstream's wire looks like (where a request goes, which fault is a content filter) comes
// from fake-upstream.js, so an API that extends openai runs these tests against its own fake.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METADATA } from '../src/settings.js';
import { isStreamError, streamStatus } from '../src/upstream.js';
import { assertSentUpstream, CONTENT_FILTER_FAULT, startFakeUpstream, validConfig } from './fake-upstream.js';
import { assertCutMessage, assertError, assertPlainMessage, serveAgainstFake } from './helpers.js';

const HELLO = { model: 'fake-small', messages: [{ role: 'user', content: 'hello there' }] };

let upstream;
let app;
serveAgainstFake({ startFakeUpstream, validConfig, use: (started) => ({ upstream, app } = started) });

describe('chat completions', () => {
  it('forwards the request and normalises the answer', async () => {
    const request = { ...HELLO, temperature: 0.2, max_tokens: 50, some_future_field: 1, plugin_specific: { x: 1 } };
    const response = await app.call('POST', '/chat/completions', request);
    const text = await response.text();
    assert.equal(response.status, 200, text);
    const body = JSON.parse(text);
    assert.deepEqual(body.choices[0].message, { role: 'assistant', content: 'echo: hello there' });
    assert.ok(text.includes('"created":1700000000,'), 'created is sent as an integer');
    assert.deepEqual(body.usage, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    const seen = upstream.received.at(-1);
    assertSentUpstream(seen);
    assert.equal(seen.body.temperature, 0.2);
    assert.equal(seen.body.max_tokens, 50);
    assert.deepEqual(seen.body.messages, HELLO.messages);
    assert.equal('plugin_specific' in seen.body, false);
  });

  const table = [
    [401, 'authentication_failed', 401, false],
    [402, 'quota_exceeded', 402, false],
    [CONTENT_FILTER_FAULT, 'content_filter', 422, false],
    [500, 'provider_unavailable', 502, true],
    [502, 'provider_unavailable', 502, true],
    [503, 'provider_unavailable', 503, true],
    [400, 'invalid_request', 400, false],
  ];
  for (const [status, code, expectedStatus, transient] of table) {
    it(`maps upstream ${status} to ${code} ${expectedStatus}`, async () => {
      upstream.fault = status;
      const body = await assertError(await app.call('POST', '/chat/completions', HELLO), code, expectedStatus);
      assert.equal(body.transient, transient);
    });
  }

  it('passes Retry-After on for rate limits (default 1 s)', async () => {
    upstream.fault = 429;
    upstream.retryAfter = '7';
    let response = await app.call('POST', '/chat/completions', HELLO);
    assert.equal(response.headers.get('retry-after'), '7');
    const body = await assertError(response, 'rate_limit_exceeded', 429);
    assert.equal(body.transient, true);
    assert.equal(body.details.retry_after, 7);
    upstream.fault = 429;
    upstream.retryAfter = undefined;
    response = await app.call('POST', '/chat/completions', HELLO);
    assert.equal(response.headers.get('retry-after'), '1');
  });
});

const events = (text) => text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6));

describe('streaming', { skip: !METADATA.capabilities.streaming && 'streaming capability is off' }, () => {
  it('passes events through as they arrive, ending with [DONE]', async () => {
    const response = await app.call('POST', '/chat/completions', { ...HELLO, stream: true });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^text\/event-stream/);
    const all = events(await response.text());
    assert.equal(all.at(-1), '[DONE]');
    const chunks = all.slice(0, -1).map((event) => JSON.parse(event));
    assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && Number.isInteger(chunk.created)));
    assert.equal(chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join(''), 'echo: hello there');
    assert.equal(upstream.received.at(-1).body.stream, true);
  });

  for (const [fault, code] of [['break', 'provider_unavailable'], ['stall', 'timeout']]) {
    it(`sends one ${code} event then [DONE] when the upstream stream ${fault}s`, async () => {
      await app.call('POST', '/initialize', validConfig(upstream.url, { timeout: 1 }));
      upstream.fault = fault;
      const response = await app.call('POST', '/chat/completions', { ...HELLO, stream: true });
      assert.equal(response.status, 200);
      const all = events(await response.text());
      assert.equal(JSON.parse(all[0]).object, 'chat.completion.chunk');
      const error = JSON.parse(all.at(-2));
      assert.equal(error.code, code);
      assert.equal(error.transient, true);
      assertPlainMessage(error.message);
      assert.equal(all.at(-1), '[DONE]');
    });
  }

  const SERVER_ERROR = { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null };
  const OVERLOADED = { message: 'The engine is currently overloaded, please try again later', type: 'service_unavailable_error', param: null, code: 'server_is_overloaded' };
  const RATE_LIMITED = { message: 'Rate limit reached for requests. Please try again in 6ms.', type: 'requests', param: null, code: 'rate_limit_exceeded' };
  const NO_QUOTA = { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' };
  const TOO_LONG = { message: 'x'.repeat(300), type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' };
  // A code sent as a number is the code, for the status and the classification alike.
  const NUMERIC_CODE = { message: 'Service unavailable.', type: 'insufficient_quota', param: null, code: 503 };
  const SAID = 'the provider reported an error while streaming the answer';
  for (const [fault, error, code, message] of [
    ['stream-error-object', SERVER_ERROR, 'provider_unavailable', `${SAID} (server_error: ${SERVER_ERROR.message}); retrying may work`],
    ['stream-error-event', SERVER_ERROR, 'provider_unavailable', `${SAID} (server_error: ${SERVER_ERROR.message}); retrying may work`],
    ['stream-error-object', OVERLOADED, 'provider_unavailable', `${SAID} (server_is_overloaded: ${OVERLOADED.message}); retrying may work`],
    ['stream-error-object', RATE_LIMITED, 'rate_limit_exceeded', `${SAID} (rate_limit_exceeded: ${RATE_LIMITED.message}); retrying may work`],
    ['stream-error-object', NO_QUOTA, 'quota_exceeded', `${SAID} (insufficient_quota: ${NO_QUOTA.message})`],
    ['stream-error-object', TOO_LONG, 'invalid_request', `${SAID} (context_length_exceeded: ${'x'.repeat(200)})`],
    ['stream-error-object', NUMERIC_CODE, 'provider_unavailable', `${SAID} (503: Service unavailable.); retrying may work`],
  ]) {
    // An {"error": {...}} event after the 200 is the provider's failure, classified like an
    // error answer of the same type, not an unreadable chunk.
    it(`sends one ${code} event then [DONE] for a ${error.type} error the provider sends in the stream (${fault})`, async () => {
      upstream.fault = fault;
      upstream.streamError = error;
      const all = events(await (await app.call('POST', '/chat/completions', { ...HELLO, stream: true })).text());
      assert.equal(JSON.parse(all[0]).object, 'chat.completion.chunk');
      const failure = JSON.parse(all.at(-2));
      assert.equal(failure.code, code);
      assert.equal(failure.message, message);
      // No status or Retry-After came with it, so none is made up.
      assert.ok(!('upstream_status' in (failure.details ?? {})) && !('retry_after' in (failure.details ?? {})), JSON.stringify(failure));
      if (failure.transient) assertCutMessage(failure.message);
      else assertPlainMessage(failure.message);
      assert.deepEqual([all.length, all.at(-1)], [3, '[DONE]']);
    });
  }

  it('takes only a non-empty object or string as an error event, and only ASCII digits as a status', () => {
    // The same rule in the Python and Go templates.
    const values = [{ message: 'down' }, 'down', {}, '', true, 0, 1, [], ['down'], null, undefined];
    assert.deepEqual(values.map(isStreamError), [true, true, false, false, false, false, false, false, false, false, false]);
    assert.deepEqual([streamStatus({ code: '\u0664\u0662\u0669' }), streamStatus({ code: '429' })], [502, 429]);
  });

  it('sends one provider_unavailable event then [DONE] when the upstream stream ends before its finish_reason', async () => {
    upstream.fault = 'cut';
    const all = events(await (await app.call('POST', '/chat/completions', { ...HELLO, stream: true })).text());
    const error = JSON.parse(all.at(-2));
    assert.equal(error.code, 'provider_unavailable');
    assert.equal(error.transient, true);
    assert.equal(all.at(-1), '[DONE]');
  });

  it('ends a finished answer whose upstream forgot [DONE] with [DONE] and no error', async () => {
    upstream.fault = 'no-done';
    const all = events(await (await app.call('POST', '/chat/completions', { ...HELLO, stream: true })).text());
    assert.equal(all.at(-1), '[DONE]');
    const chunks = all.slice(0, -1).map((event) => JSON.parse(event));
    assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk'), all.join('\n'));
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
  });

  // With n > 1 every choice asked for must come and finish: index 0's finish_reason ends
  // neither an unfinished index 1 nor one that never came.
  for (const fault of ['two-choices-cut', 'two-choices-one-sent']) {
    it(`sends one provider_unavailable event then [DONE] when one of several choices never finished (${fault})`, async () => {
      upstream.fault = fault;
      const all = events(await (await app.call('POST', '/chat/completions', { ...HELLO, n: 2, stream: true })).text());
      const error = JSON.parse(all.at(-2));
      assert.equal(error.code, 'provider_unavailable');
      assert.equal(error.transient, true);
      assertCutMessage(error.message);
      assert.equal(all.at(-1), '[DONE]');
    });
  }

  it('ends an answer whose choices all finished but whose upstream forgot [DONE] with [DONE] and no error', async () => {
    upstream.fault = 'two-choices-no-done';
    const all = events(await (await app.call('POST', '/chat/completions', { ...HELLO, n: 2, stream: true })).text());
    assert.equal(all.at(-1), '[DONE]');
    const chunks = all.slice(0, -1).map((event) => JSON.parse(event));
    assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk'), all.join('\n'));
    const finished = new Set(chunks.flatMap((chunk) => chunk.choices.filter((choice) => choice.finish_reason).map((choice) => choice.index)));
    assert.deepEqual([...finished].sort(), [0, 1]);
  });

  it('answers an error before the stream as plain JSON', async () => {
    upstream.fault = 401;
    await assertError(await app.call('POST', '/chat/completions', { ...HELLO, stream: true }), 'authentication_failed', 401);
  });
});

describe('stream requests without the streaming capability', { skip: METADATA.capabilities.streaming && 'streaming capability is on' }, () => {
  it('get one JSON answer', async () => {
    const response = await app.call('POST', '/chat/completions', { ...HELLO, stream: true });
    assert.equal(response.status, 200);
    assert.equal((await response.json()).choices[0].message.content, 'echo: hello there');
  });
});
