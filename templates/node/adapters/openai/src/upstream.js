// The upstream provider: an OpenAI-compatible HTTP API (`GET /models`,
// `POST /chat/completions`), called with Node's built-in fetch. Everything it answers is
// translated into Loom's shapes and error codes here, so the routes never see a raw
// upstream response. Adapting the plugin to a provider that is not OpenAI-compatible
// means changing this file: keep the function signatures and the PluginError codes. What
// differs between OpenAI dialects (URL, auth header, model list, stream chunks, error
// codes) is in wire.js.
import { randomUUID } from 'node:crypto';
import { PluginError, providerQuote, providerReported } from './errors.js';
import { relayStream, send, sendJson, sseEvent as event } from './http.js';
import { Wire, errorFromBody, errorFromResponse } from './wire.js';

// Parameters that are Loom's own and mean nothing to the upstream.
const LOOM_ONLY_FIELDS = new Set(['plugin_specific']);

export class Upstream {
  /** @param {{api_key: string, endpoint: string, timeout: number}} config */
  constructor(config) {
    this.wire = new Wire(config);
    this.base = this.wire.baseUrl(config.endpoint.replace(/\/+$/, ''));
    this.apiKey = config.api_key;
    this.timeoutMs = config.timeout * 1000;
  }

  /** One request for the shared plumbing (http.js); only the auth headers are the wire's. */
  #request(method, path, body, signal) {
    return { url: this.base + path, method, headers: this.wire.authHeaders(this.apiKey), body, timeoutMs: this.timeoutMs, signal, errorFromResponse };
  }

  async listModels() {
    return this.wire.listModels((path) => sendJson(this.#request('GET', path)));
  }

  async chat(request) {
    const body = forwarded(request);
    delete body.stream;
    return normalizeCompletion(await sendJson(this.#request('POST', this.wire.chatPath(request), body)), request);
  }

  /**
   * Opens the stream now (so an upstream error is still an ordinary JSON error), then
   * returns an async iterator of SSE events to pass on as they arrive.
   */
  async chatStream(request, signal) {
    const body = { ...forwarded(request), stream: true };
    const { response, done } = await send(this.#request('POST', this.wire.chatPath(request), body, signal));
    done();
    return relayEvents(response, request, this.timeoutMs, this.wire);
  }
}

function forwarded(request) {
  return Object.fromEntries(Object.entries(request).filter(([key]) => !LOOM_ONLY_FIELDS.has(key)));
}

// ---- errors ---------------------------------------------------------------------------

// An error sent inside a stream has no HTTP status: its code (else its type) stands for the
// status an error answer of that kind comes with. One table for both dialects: Azure streams
// OpenAI's events, and its own two names mean nothing to OpenAI. insufficient_quota is a
// spent quota (402 in both wires), not a rate limit worth retrying.
export const STREAM_ERROR_STATUS = {
  invalid_request_error: 400,
  Unauthorized: 401,
  invalid_api_key: 401,
  insufficient_quota: 402,
  DeploymentNotFound: 404,
  model_not_found: 404,
  rate_limit_exceeded: 429,
  server_error: 500,
  service_unavailable_error: 503,
  server_is_overloaded: 503,
  slow_down: 503,
};

/**
 * An event is the provider's error when its `error` is a non-empty object or string (the
 * same rule in every language's template; true, 0 or [] are not errors).
 */
export function isStreamError(value) {
  if (typeof value === 'string') return value.length > 0;
  return isObject(value) && Object.keys(value).length > 0;
}

/**
 * An `{"error": {...}}` event the provider sends after the stream started: classified like
 * an error answer of the same code or type (wire.js), told like the other failures a
 * provider reports mid-stream, with the code it was classified by (else its type) and its
 * message, cut at 200 characters.
 */
export function streamError(error) {
  const failure = errorFromBody(streamStatus(error), error, new Headers());
  const kind = [error.code, error.type].find((value) => value !== null && value !== undefined && value !== '');
  const said = [kind === undefined ? '' : String(kind), typeof error.message === 'string' ? providerQuote(error.message) : ''].filter(Boolean).join(': ');
  failure.message = providerReported(failure.code, said);
  // No HTTP status or headers came with it: the status streamStatus chose and the wait read
  // from no Retry-After are not the provider's.
  const details = { ...failure.details };
  delete details.upstream_status;
  delete details.retry_after;
  failure.details = Object.keys(details).length ? details : undefined;
  return failure;
}

/**
 * An HTTP status given as the error's code or type (some servers send one), else the status
 * its code's or type's kind of answer has, else 502: the provider failed.
 */
export function streamStatus(error) {
  for (const value of [error.code, error.type]) {
    if ((typeof value === 'number' || typeof value === 'string') && /^[0-9]+$/.test(String(value)) && Number(value) >= 400 && Number(value) <= 599) return Number(value);
    if (typeof value === 'string' && Object.hasOwn(STREAM_ERROR_STATUS, value)) return STREAM_ERROR_STATUS[value];
  }
  return 502;
}

// ---- shapes ---------------------------------------------------------------------------

const int = (value, fallback) => (typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : fallback);

/** message.content is a string or null for Loom; some providers send a list of parts. */
function text(content) {
  if (content === null || content === undefined || typeof content === 'string') return content ?? null;
  if (Array.isArray(content)) return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
  return String(content);
}

const badShape = (what) => new PluginError('internal_error', `the provider's answer is not a valid ${what}`);
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

export function normalizeCompletion(data, request) {
  if (!isObject(data) || !Array.isArray(data.choices)) throw badShape('chat completion');
  const choices = data.choices.map((choice, index) => {
    if (!isObject(choice) || !isObject(choice.message)) throw badShape('chat completion');
    const message = { ...choice.message, role: String(choice.message.role || 'assistant'), content: text(choice.message.content) };
    return { index: int(choice.index, index), message, finish_reason: String(choice.finish_reason || 'stop') };
  });
  const usage = isObject(data.usage) ? data.usage : {};
  const prompt = int(usage.prompt_tokens, 0);
  const completion = int(usage.completion_tokens, 0);
  const normalizedUsage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: int(usage.total_tokens, prompt + completion) };
  if (typeof usage.cost_usd === 'number') normalizedUsage.cost_usd = usage.cost_usd;
  return {
    id: String(data.id || `chatcmpl-${randomUUID()}`),
    object: 'chat.completion',
    created: int(data.created, Math.floor(Date.now() / 1000)),
    model: String(data.model || request.model || ''),
    choices,
    usage: normalizedUsage,
  };
}

export function normalizeChunk(data, request) {
  if (!isObject(data) || !Array.isArray(data.choices)) throw badShape('chat completion chunk');
  const chunk = {
    ...data,
    id: String(data.id || 'chatcmpl-stream'),
    object: 'chat.completion.chunk',
    created: int(data.created, Math.floor(Date.now() / 1000)),
    model: String(data.model || request.model || ''),
    choices: data.choices.map((choice, index) => {
      if (!isObject(choice)) throw badShape('chat completion chunk');
      let delta = isObject(choice.delta) ? choice.delta : {};
      if ('content' in delta) delta = { ...delta, content: text(delta.content) };
      return { ...choice, index: int(choice.index, index), delta };
    }),
  };
  if (isObject(data.usage)) {
    chunk.usage = Object.fromEntries(['prompt_tokens', 'completion_tokens', 'total_tokens'].map((key) => [key, int(data.usage[key], 0)]));
  }
  return chunk;
}

// ---- streaming ------------------------------------------------------------------------

/**
 * Passes the upstream's SSE `data:` events on one by one, normalised (http.js keeps the
 * protocol's rules). A stream that closes without [DONE] is complete if every choice in it
 * carried a finish_reason and, with `n` > 1, choices 0 to n-1 all came (some
 * OpenAI-compatible servers forget [DONE]; with `n` > 1 one choice can finish while another
 * is still being written, or before another began); otherwise the answer was cut short,
 * and Loom must not take it for a whole one.
 */
function relayEvents(response, request, timeoutMs, wire) {
  const asked = int(request.n, 1);
  const started = new Set();
  const finished = new Set();
  return relayStream(response, timeoutMs, {
    doneEnds: true,
    translate: (data) => {
      // OpenAI-compatible servers report a failure after the 200 as an event with a
      // top-level `error` (OpenAI's own SDK fails on any such event), not as a chunk.
      if (isStreamError(data?.error)) throw streamError(isObject(data.error) ? data.error : { message: String(data.error) });
      const chunk = normalizeChunk(data, request);
      for (const choice of chunk.choices) {
        started.add(choice.index);
        if (choice.finish_reason !== null && choice.finish_reason !== undefined) finished.add(choice.index);
      }
      return [wire.keepChunk(chunk) ? [event(chunk)] : [], false];
    },
    ended: () => {
      if (cutShort(started, finished, asked)) throw new PluginError('provider_unavailable', 'the provider ended the stream before the answer was finished; retrying may work');
      return [];
    },
  });
}

/**
 * Whether a stream that ended without [DONE] was cut short: no choice came, one that came
 * never finished, or (n > 1) one of the n asked for never came. It counts the finished
 * choices below n rather than looking each index up, so a huge n costs nothing.
 */
function cutShort(started, finished, asked) {
  if (started.size === 0 || [...started].some((index) => !finished.has(index))) return true;
  return asked > 1 && [...finished].filter((index) => index >= 0 && index < asked).length < asked;
}
