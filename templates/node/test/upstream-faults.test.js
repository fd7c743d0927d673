// What every adapter answers alike, whatever API is behind it: bodies Loom's contract
// rejects, an unknown model, and an upstream that sends garbage, resets, refuses or hangs.
// Those answers come from src/app.js and src/http.js, so they run once here against the
// adapter's fake; the adapter's own tests cover what is particular to its API.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { hideSecrets, PluginError } from '../src/errors.js';
import { BAD_LOCATION, REDIRECT_SECRET } from './fake-server.js';
import { MODEL, startFakeUpstream, validConfig } from './fake-upstream.js';
import { assertError, assertPlainMessage, serveAgainstFake } from './helpers.js';

const HELLO = { model: MODEL, messages: [{ role: 'user', content: 'hello there' }] };

let upstream;
let app;
serveAgainstFake({ startFakeUpstream, validConfig, use: (started) => ({ upstream, app } = started) });
const chat = (request) => app.call('POST', '/chat/completions', request);

// A key as long as real ones, with the characters that change when percent-encoded or
// JSON-escaped.
const ODD_KEY = 'sk-Zq8+v/W3xR=kT9pLm2+nB7/cV4dF6hJ1aS0=';

/** The error answer to a chat when ODD_KEY is configured and the provider says `said`. */
async function echoed(said) {
  await app.call('POST', '/initialize', validConfig(upstream.url, { api_key: ODD_KEY }));
  upstream.echoed = said;
  upstream.fault = 'echo-key';
  return assertError(await chat(HELLO), 'authentication_failed', 401);
}

/** A port nothing listens on (one the fetch standard allows, unlike 9). */
async function closedPort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('faults every adapter answers alike', () => {
  for (const body of ['not json', { model: MODEL }, { model: MODEL, messages: 'hi' }, [1]]) {
    it(`answers the body ${JSON.stringify(body)} with invalid_request`, async () => {
      assert.equal((await assertError(await chat(body), 'invalid_request', 400)).transient, false);
    });
  }

  it('maps an unknown model to model_not_found', async () => {
    const error = await assertError(await chat({ ...HELLO, model: 'nope' }), 'model_not_found', 404);
    // "the provider", as plugin users say; "upstream" is the template's own word.
    assert.match(error.message, /^the provider answered 404/);
  });

  it('maps garbage from the upstream to internal_error', async () => {
    upstream.fault = 'garbage';
    const error = await assertError(await chat(HELLO), 'internal_error', 500);
    assert.equal(error.transient, false);
    assert.match(error.message, /^the provider /);
    assert.doesNotMatch(error.message, /upstream/);
  });

  it('maps reset and refused connections to provider_unavailable, said plainly', async () => {
    upstream.fault = 'reset';
    const reset = await assertError(await chat(HELLO), 'provider_unavailable', 502);
    assert.equal(reset.transient, true);
    assert.match(reset.message, /closed the connection before answering; retrying may work/);
    assertPlainMessage(reset.message);
    // The host is named; the query (which may carry a secret) and the key are not.
    const port = await closedPort();
    await app.call('POST', '/initialize', validConfig(`http://127.0.0.1:${port}/v1?token=s3cret`));
    const refused = await assertError(await chat(HELLO), 'provider_unavailable', 502);
    assert.equal(refused.transient, true);
    assert.match(refused.message, new RegExp(`^cannot connect to 127\\.0\\.0\\.1:${port}: connection refused; check the endpoint`));
    assertPlainMessage(refused.message);
    const key = validConfig('').api_key;
    for (const secret of ['s3cret', ...(key ? [key] : [])]) assert.ok(!refused.message.includes(secret), refused.message);
  });

  it('says that Node refuses a user name and password in the endpoint, without repeating them', async () => {
    // Node's fetch refuses such a URL before connecting ("check the network" would send
    // the user looking in the wrong place); Python's and Go's clients send them as Basic auth.
    const endpoint = new URL(upstream.url);
    endpoint.username = 'plugin-user';
    endpoint.password = 'pa55word';
    const before = upstream.received.length;
    await app.call('POST', '/initialize', validConfig(endpoint.href));
    const body = await assertError(await chat(HELLO), 'invalid_request', 400);
    assert.match(body.message, new RegExp(`^the endpoint setting has a user name or password in it \\(user:password@${endpoint.host}\\)`));
    for (const secret of ['plugin-user', 'pa55word']) assert.ok(!body.message.includes(secret), body.message);
    assert.equal(upstream.received.length, before);
  });

  it('answers a redirect instead of following it, so the key stays with the upstream', async () => {
    const before = upstream.received.length;
    upstream.fault = 'redirect';
    const response = await chat(HELLO);
    assert.ok(response.status >= 400, `a redirect followed: ${response.status}`);
    assert.equal(upstream.received.length, before + 1);
    // It says where the endpoint points now (status, scheme and host, not the Location's query).
    const body = await assertError(response, 'invalid_request', 400);
    assert.match(body.message, new RegExp(`^the endpoint redirected \\(307\\) to ${new URL(upstream.url).origin}; set the endpoint setting to the final URL`));
    assert.ok(!body.message.includes(REDIRECT_SECRET), body.message);
  });

  it('answers a redirect to something that is no URL alike, without repeating it', async () => {
    upstream.fault = 'bad-redirect';
    const body = await assertError(await chat(HELLO), 'invalid_request', 400);
    assert.match(body.message, /^the endpoint redirected \(302\) to another address; set the endpoint setting to the final URL/);
    assert.ok(!body.message.includes(BAD_LOCATION), body.message);
  });

  it('does not put the key in its answer when the provider echoes it', async (t) => {
    const key = validConfig(upstream.url).api_key;
    if (!key) return t.skip('this API has no key');
    upstream.echoed = `Incorrect API key provided: ${key}`;
    upstream.fault = 'echo-key';
    const { message } = await assertError(await chat(HELLO), 'authentication_failed', 401);
    assert.ok(!message.includes(key) && message.includes('[api_key]'), message);
  });

  it('leaves no part of the key when the cut of the provider message falls inside it', async () => {
    // The key starts at character 185 of the provider's message, quoted up to 200.
    const said = `Incorrect API key provided: ${'.'.repeat(157)}${ODD_KEY}. Find your key at https://example.com/keys`;
    const body = await echoed(said);
    assert.ok(!JSON.stringify(body).includes(ODD_KEY.slice(0, 8)) && body.message.includes('[api_key]'), body.message);
  });

  it('hides the key percent-encoded (either case) and JSON-escaped too', async () => {
    const encoded = encodeURIComponent(ODD_KEY);
    const forms = [encoded, encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()), JSON.stringify(ODD_KEY).slice(1, -1).replaceAll('/', '\\/')];
    const { message } = await echoed(`refused ?key=${forms[0]} &k=${forms[1]} {"key":"${forms[2]}"}`);
    for (const form of forms) assert.ok(!message.includes(form), message);
    assert.equal(message.split('[api_key]').length, forms.length + 1, message);
  });

  it('cleans every secret from every string of an error answer, details included', (t) => {
    hideSecrets({ api_key: ODD_KEY, org_token: 'org-s3cret-value' }); // as /initialize does
    t.after(() => hideSecrets({}));
    const details = { upstream_status: 400, upstream: { param: `key=${ODD_KEY}`, seen: [ODD_KEY, 1, null, 'org-s3cret-value'] } };
    const body = new PluginError('invalid_request', 'refused', { details }).body();
    assert.deepEqual(body.details, { upstream_status: 400, upstream: { param: 'key=[api_key]', seen: ['[api_key]', 1, null, '[org_token]'] } });
  });

  it('maps a hanging upstream to timeout within the configured time', async () => {
    await app.call('POST', '/initialize', validConfig(upstream.url, { timeout: 1 }));
    upstream.fault = 'hang';
    const started = Date.now();
    assert.equal((await assertError(await chat(HELLO), 'timeout', 504)).transient, true);
    assert.ok(Date.now() - started < 3000);
  });
});
