// Starts the app in-process on a free port, sets up the app against the adapter's fake
// upstream for a chat test file, and asserts Loom error bodies.
import assert from 'node:assert/strict';
import { after, before, beforeEach } from 'node:test';
import { createApp } from '../src/app.js';

export async function startApp(env = {}) {
  const server = createApp({ env }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const call = (method, path, body, headers = {}) =>
    fetch(base + path, {
      method,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return { base, call, close };
}

/**
 * The set-up every chat test file shares: the adapter's fake upstream and the app start
 * once for the file; before each test the fake's knobs go back to `defaults` (fault and
 * retryAfter cleared) and the app is initialized against the fake. `use` receives
 * { upstream, app } once both run.
 */
export function serveAgainstFake({ startFakeUpstream, validConfig, defaults = {}, use }) {
  let started;
  before(async () => {
    started = { upstream: await startFakeUpstream(), app: await startApp() };
    use(started);
  });
  after(async () => {
    await started?.app.close();
    await started?.upstream.close();
  });
  beforeEach(async () => {
    Object.assign(started.upstream, { fault: undefined, retryAfter: undefined, ...defaults });
    const response = await started.app.call('POST', '/initialize', validConfig(started.upstream.url, { timeout: 2 }));
    assert.equal(response.status, 200);
  });
}

export async function assertError(response, code, status) {
  const body = await response.json();
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(body.code, code);
  assert.ok(typeof body.message === 'string' && body.message.length > 0);
  assert.equal(typeof body.transient, 'boolean');
  return body;
}

/**
 * A transport failure's message is a sentence for whoever reads Loom's error: no raw
 * socket or library code (ECONNRESET, UND_ERR_SOCKET, EOF), no exception class name.
 */
export function assertPlainMessage(message) {
  assert.doesNotMatch(message, /UND_ERR|\bE[A-Z_]{2,}\b|[a-z]Error\b/, message);
}

/**
 * A stream the provider ended before its end event, or with an error of its own, is told as
 * a sentence the user can act on, about "the provider", not in the template's own terms
 * ("upstream").
 */
export function assertCutMessage(message) {
  assert.match(message, /retrying may work/, message);
  assert.doesNotMatch(message, /upstream/, message);
}
