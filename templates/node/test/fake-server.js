// What every fake upstream in these tests shares: a server on 127.0.0.1 (no network), each
// request's body read and recorded, JSON answers, the faults that behave alike for every
// API, and a close that leaves no connection behind. The adapter's fake-upstream.js says
// the rest (auth, routes, bodies, its stream) in `handle`.
import { createServer } from 'node:http';

/** What takeFault returns when it has answered the request itself. */
export const ANSWERED = Symbol('answered');

/** In the query of the 'redirect' fault's Location: a plugin must never repeat it. */
export const REDIRECT_SECRET = 'redirect-s3cret';

/** The 'bad-redirect' fault's Location: no URL (an unclosed IPv6 bracket), which URL parsers refuse. */
export const BAD_LOCATION = 'http://[::1';

/** Answers `payload` as JSON. */
export function send(res, status, payload, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(payload));
}

/**
 * The 'echo-key' fault's 401: `said` in every API's error shape at once, or as the bare
 * `error` text of an API that sends only that (`errorIsText`, Ollama).
 */
function echoedKeyAnswer(said, errorIsText) {
  if (errorIsText) return { error: said };
  return { error: { message: said, type: 'authentication_error', code: 'invalid_api_key', status: 'UNAUTHENTICATED' }, message: said };
}

/**
 * Starts a fake upstream on a free port. `fake` is the object the tests steer (`fault`,
 * `retryAfter` and the adapter's own knobs); it gets `received` (every POST as
 * { path, query, headers, body }), `url` and `close`. The 'echo-key' fault is answered
 * before `handle`, whatever key was sent: a 401 saying `fake.echoed` (echoedKeyAnswer).
 * `handle` answers each other request with:
 * - `takeFault(garbage)`: takes the pending fault; answers 'hang' (never), 'reset' (TCP
 *   reset), 'garbage' (200 with the `garbage` text), 'redirect' (307 to the same
 *   address, with REDIRECT_SECRET in the query) and 'bad-redirect' (302 to BAD_LOCATION)
 *   itself and returns ANSWERED, else returns the fault for the adapter to answer (an
 *   HTTP status, its own names);
 * - `interrupt(fault)`: in a stream after the first event, 'stall' goes quiet, 'break'
 *   drops the connection and 'cut' ends the answer cleanly before the provider's end
 *   event; true when it did any of these.
 */
export async function startFakeServer(fake, handle) {
  const hanging = new Set();
  Object.assign(fake, { received: [], url: '' });
  const reset = (req) => req.socket.resetAndDestroy();
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = raw ? JSON.parse(raw) : {};
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'POST') fake.received.push({ path: url.pathname, query: url.search, headers: req.headers, body });
    const takeFault = (garbage) => {
      const fault = fake.fault;
      fake.fault = undefined;
      if (fault === 'hang') hanging.add(res);
      else if (fault === 'reset') reset(req);
      else if (fault === 'redirect') {
        const location = new URL(req.url, fake.url);
        location.searchParams.set('sig', REDIRECT_SECRET);
        res.writeHead(307, { Location: location.href });
        res.end();
      } else if (fault === 'bad-redirect') {
        res.writeHead(302, { Location: BAD_LOCATION });
        res.end();
      } else if (fault === 'garbage') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(garbage);
      } else return fault;
      return ANSWERED;
    };
    const interrupt = async (fault) => {
      if (fault === 'stall') hanging.add(res);
      else if (fault === 'break') {
        await new Promise((resolve) => setTimeout(resolve, 20));
        reset(req);
      } else if (fault === 'cut') res.end();
      else return false;
      return true;
    };
    // Whatever key came with it: the provider refuses the key and quotes it back.
    if (fake.fault === 'echo-key') {
      fake.fault = undefined;
      send(res, 401, echoedKeyAnswer(fake.echoed, fake.errorIsText));
      return;
    }
    await handle({ req, res, body, url, takeFault, interrupt });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${server.address().port}`;
  fake.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return fake;
}
