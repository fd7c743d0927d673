// The upstream provider: an Ollama server (`POST /api/chat`, `GET /api/tags`), called with
// Node's built-in fetch.
//
// This is the adapter: it maps Loom's OpenAI-style chat request to an Ollama chat request
// (settings under `options`, images as base64 in the message, tool calls with object
// arguments, tool results named by function), maps the answer back (text, `tool_calls`,
// `finish_reason`, usage from the eval counts), turns Ollama's NDJSON stream into
// OpenAI-style SSE chunks ending in `[DONE]`, and maps Ollama's errors to Loom's codes.
import { randomUUID } from 'node:crypto';
import { parseRetryAfter, PluginError, providerQuote, providerReported } from './errors.js';
import { relayStream, send, sendJson, sseEvent as event } from './http.js';

export class Upstream {
  /** @param {Record<string, any>} config the validated /initialize fields */
  constructor(config) {
    this.base = config.endpoint.replace(/\/+$/, '');
    this.apiKey = config.api_key; // a local Ollama takes none; ollama.com wants a Bearer
    this.timeoutMs = config.timeout * 1000;
  }

  /** One request for the shared plumbing (http.js); only the auth headers are Ollama's (a key only when one is set). */
  #request(method, path, body, signal) {
    return { url: this.base + path, method, headers: this.apiKey ? { Authorization: `Bearer ${this.apiKey}` } : {}, body, timeoutMs: this.timeoutMs, signal, errorFromResponse };
  }

  async listModels() {
    const data = await sendJson(this.#request('GET', '/api/tags'));
    if (!Array.isArray(data?.models)) throw new PluginError('internal_error', "the provider's model list is not a list");
    const seen = new Set();
    const models = [];
    for (const item of data.models) {
      const name = item?.name ?? item?.model;
      if (typeof name !== 'string' || name === '' || seen.has(name)) continue;
      seen.add(name);
      models.push(modelOf(item, name));
    }
    return models;
  }

  async chat(request) {
    // Ollama streams unless told not to.
    return fromResponse(await sendJson(this.#request('POST', '/api/chat', { ...toOllama(request), stream: false })), request);
  }

  /**
   * Opens the stream now (so an upstream error is still an ordinary JSON error), then
   * returns an async iterator of OpenAI-style SSE events made from Ollama's lines.
   */
  async chatStream(request, signal) {
    const { response, done } = await send(this.#request('POST', '/api/chat', { ...toOllama(request), stream: true }, signal));
    done();
    return translateStream(response, request, this.timeoutMs);
  }
}

function modelOf(item, name) {
  const details = item.details ?? {};
  const size = [details.parameter_size, details.quantization_level].filter(Boolean).join(' ');
  // /api/tags does not say which models take tools or images (only /api/show does, one
  // model at a time): claim streaming, which every Ollama model does.
  const model = { id: name, name, capabilities: { streaming: true } };
  if (size) model.description = `${details.family || 'model'} ${size}`;
  return model;
}

// ---- request: OpenAI style -> Ollama ----------------------------------------------------

const invalid = (message) => new PluginError('invalid_request', message);
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Ollama wants the text as one string and images as bare base64 beside it. */
function contentOf(content) {
  if (content === null || content === undefined || typeof content === 'string') return { content: content ?? '' };
  if (!Array.isArray(content)) throw invalid('message content must be a string or an array of parts');
  const texts = [];
  const images = [];
  for (const part of content) {
    if (part?.type === 'text') texts.push(String(part.text ?? ''));
    else if (part?.type === 'image_url') {
      const url = isObject(part.image_url) ? part.image_url.url : part.image_url;
      const match = typeof url === 'string' ? /^data:image\/[\w.+-]+;base64,(.*)$/s.exec(url) : null;
      if (!match) throw invalid('Ollama takes images as base64: send the image as a data:image/<type>;base64,... URL');
      images.push(match[1]);
    } else throw invalid(`unsupported content part type ${JSON.stringify(part?.type ?? null)}`);
  }
  return { content: texts.join(''), ...(images.length > 0 ? { images } : {}) };
}

function toolCall(call) {
  const fn = call?.function;
  if (!isObject(fn) || !fn.name) throw invalid('every tool call needs a function name');
  try {
    return { function: { name: fn.name, arguments: JSON.parse(fn.arguments || '{}') } };
  } catch {
    throw invalid('tool call arguments must be a JSON text');
  }
}

export function toOllama(request) {
  const names = new Map(); // tool call id -> function name (Ollama names tool results)
  const messages = request.messages.map((message) => {
    const role = message.role;
    if (role === 'system' || role === 'developer') return { role: 'system', ...contentOf(message.content) };
    if (role === 'user') return { role: 'user', ...contentOf(message.content) };
    if (role === 'assistant') {
      const turn = { role: 'assistant', ...contentOf(message.content) };
      if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
        turn.tool_calls = message.tool_calls.map(toolCall);
        for (const call of message.tool_calls) names.set(String(call.id), call.function.name);
      }
      return turn;
    }
    if (role === 'tool') {
      const id = String(message.tool_call_id ?? '');
      return { role: 'tool', ...contentOf(message.content), tool_call_id: id, ...(names.has(id) ? { tool_name: names.get(id) } : {}) };
    }
    throw invalid(`unsupported message role ${JSON.stringify(role ?? null)}`);
  });
  const body = { model: request.model, messages };
  const options = {};
  for (const key of ['temperature', 'top_p', 'seed']) if (request[key] !== undefined && request[key] !== null) options[key] = request[key];
  const maxTokens = request.max_completion_tokens || request.max_tokens;
  if (maxTokens) options.num_predict = maxTokens;
  if (request.stop) options.stop = typeof request.stop === 'string' ? [request.stop] : [...request.stop];
  if (Object.keys(options).length > 0) body.options = options;
  // Ollama has no tool_choice: "none" means sending no tools at all.
  if (Array.isArray(request.tools) && request.tools.length > 0 && request.tool_choice !== 'none') body.tools = request.tools;
  return body;
}

// ---- answer: Ollama -> OpenAI style -----------------------------------------------------

const int = (value) => (typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0);

export function usageOf(data) {
  const prompt = int(data.prompt_eval_count);
  const completion = int(data.eval_count);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

const finishReason = (data, hasCalls) => (data.done_reason === 'length' ? 'length' : hasCalls ? 'tool_calls' : 'stop');

function toolCallsOf(message, offset = 0) {
  return (Array.isArray(message?.tool_calls) ? message.tool_calls : []).filter((call) => isObject(call?.function)).map((call, i) => ({
    id: String(call.id || `call_${offset + i}_${call.function.name}`),
    type: 'function',
    function: { name: String(call.function.name), arguments: typeof call.function.arguments === 'string' ? call.function.arguments : JSON.stringify(call.function.arguments ?? {}) },
  }));
}

export function fromResponse(data, request) {
  if (!isObject(data) || !isObject(data.message)) throw new PluginError('internal_error', "the provider's answer is not a valid chat response");
  const text = typeof data.message.content === 'string' ? data.message.content : '';
  const calls = toolCallsOf(data.message);
  const message = { role: 'assistant', content: text || calls.length === 0 ? text : null };
  if (calls.length > 0) message.tool_calls = calls;
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: String(data.model || request.model || ''),
    choices: [{ index: 0, message, finish_reason: finishReason(data, calls.length > 0) }],
    usage: usageOf(data),
  };
}

// ---- errors ---------------------------------------------------------------------------

const STATUS_CODES = { 401: 'authentication_failed', 403: 'authentication_failed', 404: 'model_not_found', 408: 'timeout', 504: 'timeout' };

export async function errorFromResponse(response) {
  const status = response.status;
  let upstreamMessage = '';
  try {
    const error = JSON.parse(await response.text())?.error;
    if (error) upstreamMessage = providerQuote(error);
  } catch {
    // not JSON: the status alone decides
  }
  const message = `the provider answered ${status}${upstreamMessage ? `: ${upstreamMessage}` : ''}`;
  const details = { upstream_status: status };
  if (status === 429) {
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    return new PluginError('rate_limit_exceeded', message, { details: { ...details, retry_after: retryAfter }, headers: { 'Retry-After': String(retryAfter) } });
  }
  if (STATUS_CODES[status]) return new PluginError(STATUS_CODES[status], message, { details });
  // 503 is Ollama's full queue ("server busy"): come back later.
  if (status >= 500) return new PluginError('provider_unavailable', message, { status: status === 503 ? 503 : 502, details });
  return new PluginError('invalid_request', message, { details });
}

// ---- streaming: Ollama NDJSON -> OpenAI chunks ------------------------------------------

/**
 * Ollama's NDJSON lines in, OpenAI-style chunks out (http.js keeps the protocol's rules);
 * the `done` line carries the finish reason and usage.
 */
async function* translateStream(response, request, timeoutMs) {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta, finish = null, usage = undefined) => event({
    id, object: 'chat.completion.chunk', created, model: String(request.model ?? ''), choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}),
  });
  let calls = 0;
  const translate = (data) => {
    // The model runner failed after the answer started: worth a retry.
    if (data.error) throw new PluginError('provider_unavailable', providerReported('provider_unavailable', providerQuote(data.error)));
    const out = [];
    if (typeof data.message?.content === 'string' && data.message.content) out.push(chunk({ content: data.message.content }));
    for (const call of toolCallsOf(data.message, calls)) {
      out.push(chunk({ tool_calls: [{ index: calls, ...call }] }));
      calls += 1;
    }
    if (data.done) out.push(chunk({}, finishReason(data, calls > 0), usageOf(data)));
    return [out, Boolean(data.done)];
  };
  yield chunk({ role: 'assistant', content: '' });
  yield* relayStream(response, timeoutMs, {
    ndjson: true,
    translate,
    ended: () => {
      throw new PluginError('provider_unavailable', 'the provider ended the stream before the answer was finished (no done line); retrying may work');
    },
  });
}
