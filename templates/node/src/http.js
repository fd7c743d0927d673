// The HTTP plumbing under upstream.js, the same whichever provider API it speaks: one
// request with a timeout that the caller's AbortSignal can also cut short, the JSON body
// read, transport failures mapped to Loom's codes, and a stream read with an idle timeout
// whose failures end it the protocol's way. What differs between providers (URL, headers,
// bodies, stream records, error shapes) stays in upstream.js.
import { PluginError } from './errors.js';

/**
 * Sends one request. The timeout covers connecting, the headers and (until `done()` is
 * called) the body; a stream calls `done()` once the headers are in and then relies on the
 * idle timeout of `streamLines` instead. A non-200 answer becomes `errorFromResponse(response)`.
 *
 * @param {{url: string, method: string, headers: Record<string, string>, body?: unknown,
 *   timeoutMs: number, signal?: AbortSignal, errorFromResponse: (r: Response) => Promise<Error>}} request
 */
export async function send({ url, method, headers, body, timeoutMs, signal, errorFromResponse }) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('upstream timeout', 'TimeoutError')), timeoutMs);
  const done = () => clearTimeout(timer);
  signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: { ...headers, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      // A redirect is answered, not followed: fetch drops Authorization on the way to
      // another host but keeps a key header such as x-api-key or api-key.
      redirect: 'manual',
      signal: controller.signal,
    });
    if (response.status !== 200) throw redirected(response, url) ?? (await errorFromResponse(response));
  } catch (error) {
    done();
    throw fetchFailure(error, timeoutMs, url);
  }
  return { response, done };
}

/**
 * A redirect as Loom's error, or undefined for any other answer. It is answered, not
 * followed (the key would go along), so the message says where to point `endpoint`:
 * the status and the new scheme and host (the commonest redirect, http to https, keeps the
 * host), never the Location's path or query (it may carry a token).
 */
function redirected(response, url) {
  const location = response.headers.get('location');
  if (response.status < 300 || response.status > 399 || !location) return undefined;
  const target = URL.canParse(location, url) ? new URL(location, url) : undefined;
  const where = target ? `${target.protocol}//${target.host}` : 'another address';
  return new PluginError(
    'invalid_request',
    `the endpoint redirected (${response.status}) to ${where}; set the endpoint setting to the final URL (redirects are not followed, so the API key never goes to another host)`,
    { details: { upstream_status: response.status } },
  );
}

/** Sends one request (see `send`) and answers its JSON body. */
export async function sendJson(request) {
  const { response, done } = await send(request);
  let text;
  try {
    text = await response.text();
  } catch (error) {
    throw fetchFailure(error, request.timeoutMs, request.url);
  } finally {
    done();
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new PluginError('internal_error', 'the provider answered with something that is not JSON');
  }
}

/** A failed fetch or body read as Loom's error: timeout, or an unreachable upstream. */
function fetchFailure(error, timeoutMs, url) {
  if (error instanceof PluginError) return error;
  if (error?.name === 'TimeoutError') return new PluginError('timeout', `the provider did not answer within ${timeoutMs / 1000}s; retrying or a larger timeout setting may help`);
  // fetch refuses such a URL before connecting: a setting to change, not a network to check.
  if (hasCredentials(url)) return new PluginError('invalid_request', `the endpoint setting has a user name or password in it (user:password@${hostOf(url)}), which Node's fetch refuses to send; remove them from the endpoint`);
  return new PluginError('provider_unavailable', unreachable(error, hostOf(url)));
}

/** Whether a URL carries a user name or password. */
function hasCredentials(url) {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}

// Node's and undici's codes for what went wrong, grouped by what the user can do about it.
const REFUSED = new Set(['ECONNREFUSED']);
const NO_HOST = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const CLOSED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const NO_ROUTE = new Set(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Why the provider could not be reached, as a sentence the user can act on. It names the
 * host only: a full URL may carry a key in its query, and a raw code (ECONNRESET,
 * UND_ERR_SOCKET) says nothing to whoever reads Loom's error.
 */
function unreachable(error, host) {
  const cause = error?.cause?.errors?.[0] ?? error?.cause ?? error;
  const code = String(cause?.code ?? '');
  if (error?.name === 'AbortError') return 'the request was cancelled before the provider answered';
  // The fetch standard blocks some ports (such as 9, 6000, 6667) before connecting.
  if (cause?.message === 'bad port') return `cannot connect to ${host}: Node's fetch does not allow this port; serve the provider on another port`;
  if (REFUSED.has(code)) return `cannot connect to ${host}: connection refused; check the endpoint setting and that the provider is running`;
  if (NO_HOST.has(code)) return `cannot find the host ${host}; check the endpoint setting`;
  if (CLOSED.has(code)) return `the provider at ${host} closed the connection before answering; retrying may work`;
  if (NO_ROUTE.has(code)) return `cannot connect to ${host}: no answer from the network; check the endpoint setting and the network`;
  if (/CERT|TLS|SSL|EPROTO/.test(code)) return `cannot make a secure connection to ${host}; check that the endpoint's https or http is right and its certificate is valid`;
  return `cannot reach the provider at ${host}; check the endpoint setting and the network`;
}

/** host[:port] of a URL, never its credentials, path or query. */
function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return 'the endpoint';
  }
}

/**
 * The response body's lines, trimmed, as they arrive. Waiting longer than `timeoutMs` for
 * the next piece throws a `timeout` PluginError; leaving the loop early cancels the body,
 * so a client that goes away does not keep the upstream generating.
 */
async function* streamLines(response, timeoutMs) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      let idle;
      const stalled = new Promise((_, reject) => {
        const quiet = `the provider sent nothing for ${timeoutMs / 1000}s while streaming the answer; retrying may work`;
        idle = setTimeout(() => reject(new PluginError('timeout', quiet)), timeoutMs);
      });
      let result;
      try {
        result = await Promise.race([reader.read(), stalled]);
      } finally {
        clearTimeout(idle);
      }
      if (result.done) return;
      buffer += decoder.decode(result.value, { stream: true });
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        yield line;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** One server-sent event carrying `payload` (a string such as `[DONE]`, or JSON). */
export const sseEvent = (payload) => `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;

/**
 * An upstream stream retold as Loom's SSE events, always ending in `[DONE]`. Each record
 * (an SSE `data:` payload, or a line when `ndjson`) must be a JSON object; `translate(data)`
 * answers `[events, over]` and throws a PluginError for an error the upstream reports in
 * the stream. `ended()` answers the events for a stream that closed (or sent `[DONE]`,
 * unless `doneEnds`: then `[DONE]` is the provider's own end event) before `translate`
 * said it was over, or throws a PluginError when that leaves the answer incomplete.
 * After the stream started, any failure is one error event, then `[DONE]` (the
 * protocol's rule): an unreadable record is internal_error, a stall a timeout, a
 * broken connection provider_unavailable.
 */
export async function* relayStream(response, timeoutMs, { translate, ended = () => [], ndjson = false, doneEnds = false }) {
  let over = false;
  try {
    for await (const line of streamLines(response, timeoutMs)) {
      // SSE: comments, event names (they repeat the data's type) and blank separators carry nothing.
      const payload = ndjson ? line : line.startsWith('data:') ? line.slice(5).trim() : '';
      if (payload === '') continue;
      if (payload === '[DONE]' && !ndjson) {
        over = doneEnds;
        break;
      }
      let events;
      [events, over] = translateRecord(payload, translate);
      yield* events;
      if (over) break;
    }
    if (!over) yield* ended();
  } catch (error) {
    const broke = () => new PluginError('provider_unavailable', 'the connection to the provider broke while streaming the answer; retrying may work');
    yield sseEvent((error instanceof PluginError ? error : broke()).body());
  }
  yield sseEvent('[DONE]');
}

function translateRecord(payload, translate) {
  let data;
  try {
    data = JSON.parse(payload);
  } catch {
    // not JSON: unreadable, as below
  }
  const unreadable = new PluginError('internal_error', 'the provider sent an unreadable stream event');
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw unreadable;
  try {
    return translate(data);
  } catch (error) {
    throw error instanceof PluginError ? error : unreadable;
  }
}
