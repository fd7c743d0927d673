// What Azure adds to openai's chat.test.js (which runs against the Azure fake too): the
// deployments as /models, a very long retry wait as a spent quota, a configurable api-version.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METADATA } from '../src/settings.js';
import { MODELS, startFakeUpstream, validConfig } from './fake-upstream.js';
import { assertError, serveAgainstFake } from './helpers.js';

const events = (text) => text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6));

const HELLO = { model: MODELS[0], messages: [{ role: 'user', content: 'hello there' }] };

let upstream;
let app;
serveAgainstFake({ startFakeUpstream, validConfig, use: (started) => ({ upstream, app } = started) });

describe('azure specifics', () => {
  it('lists the configured deployments as the models', async () => {
    assert.deepEqual((await (await app.call('GET', '/models')).json()).map((model) => model.id), MODELS);
  });

  it('treats a very long retry wait as a spent quota', async () => {
    upstream.fault = 429;
    upstream.retryAfter = '86400';
    await assertError(await app.call('POST', '/chat/completions', HELLO), 'quota_exceeded', 402);
  });

  it('sends the configured api-version', async () => {
    await app.call('POST', '/initialize', validConfig(upstream.url, { api_version: '2025-01-01-preview' }));
    await app.call('POST', '/chat/completions', HELLO);
    assert.equal(upstream.received.at(-1).query, '?api-version=2025-01-01-preview');
  });

  it('classifies an Azure error in the stream by its code', { skip: !METADATA.capabilities.streaming && 'streaming capability is off' }, async () => {
    // Azure's error bodies carry the status as their code; the same body mid-stream is a rate limit.
    upstream.fault = 'stream-error-object';
    upstream.streamError = { code: '429', message: 'Rate limit is exceeded. Try again in 2 seconds.' };
    const all = events(await (await app.call('POST', '/chat/completions', { ...HELLO, stream: true })).text());
    const failure = JSON.parse(all.at(-2));
    assert.equal(failure.code, 'rate_limit_exceeded');
    assert.ok(!('upstream_status' in (failure.details ?? {})) && !('retry_after' in (failure.details ?? {})), JSON.stringify(failure));
    assert.equal(failure.message, 'the provider reported an error while streaming the answer (429: Rate limit is exceeded. Try again in 2 seconds.); retrying may work');
    assert.equal(all.at(-1), '[DONE]');
  });

  it('tells a spent quota in the stream as quota_exceeded, not a rate limit', { skip: !METADATA.capabilities.streaming && 'streaming capability is off' }, async () => {
    upstream.fault = 'stream-error-object';
    upstream.streamError = { code: 'insufficient_quota', message: 'You exceeded your current quota.' };
    const all = events(await (await app.call('POST', '/chat/completions', { ...HELLO, stream: true })).text());
    const failure = JSON.parse(all.at(-2));
    assert.deepEqual([failure.code, failure.transient], ['quota_exceeded', false]);
    assert.equal(failure.message, 'the provider reported an error while streaming the answer (insufficient_quota: You exceeded your current quota.)');
    assert.ok(!('upstream_status' in (failure.details ?? {})) && !('retry_after' in (failure.details ?? {})), JSON.stringify(failure));
    assert.equal(all.at(-1), '[DONE]');
  });
});
