// The upstream provider: Cohere's v2 Chat API (`POST /v2/chat`, `GET /v1/models`), called
// with Node's built-in fetch.
//
// This is the adapter: it maps Loom's OpenAI-style chat request to a Cohere request (one
// system message first, `p` for top_p, `stop_sequences`, `tool_choice` REQUIRED/NONE),
// maps the answer back (text from content blocks, `tool_calls`, `finish_reason`, usage
// from `usage.tokens`), turns Cohere's typed stream events into OpenAI-style chunks ending
// in `[DONE]`, and maps every Cohere error to Loom's codes.
import { randomUUID } from 'node:crypto';
import { parseRetryAfter, PluginError, providerQuote, providerReported } from './errors.js';
import { relayStream, send, sendJson, sseEvent as event } from './http.js';

// Enough pages for any real model list, bounded against a loop.
const MAX_MODEL_PAGES = 20;

export class Upstream {
  /** @param {Record<string, any>} config the validated /initialize fields */
  constructor(config) {
    this.base = config.endpoint.replace(/\/+$/, '');
    this.apiKey = config.api_key;
    this.timeoutMs = config.timeout * 1000;
  }

  /** One request for the shared plumbing (http.js); only the auth headers are Cohere's. */
  #request(method, path, body, signal) {
    return { url: this.base + path, method, headers: { Authorization: `Bearer ${this.apiKey}` }, body, timeoutMs: this.timeoutMs, signal, errorFromResponse };
  }

  async listModels() {
    const models = [];
    const seen = new Set();
    let token;
    for (let page = 0; page < MAX_MODEL_PAGES; page += 1) {
      const data = await sendJson(this.#request('GET', `/v1/models?endpoint=chat&page_size=1000${token ? `&page_token=${encodeURIComponent(token)}` : ''}`));
      if (!Array.isArray(data?.models)) throw new PluginError('internal_error', "the provider's model list is not a list");
      for (const item of data.models) {
        const name = item?.name;
        if (typeof name !== 'string' || name === '' || seen.has(name)) continue;
        seen.add(name);
        models.push(modelOf(item, name));
      }
      token = data.next_page_token;
      if (typeof token !== 'string' || token === '') break;
    }
    return models;
  }

  async chat(request) {
    return fromResponse(await sendJson(this.#request('POST', '/v2/chat', toCohere(request))), request);
  }

  /**
   * Opens the stream now (so an upstream error is still an ordinary JSON error), then
   * returns an async iterator of OpenAI-style SSE events made from Cohere's.
   */
  async chatStream(request, signal) {
    const { response, done } = await send(this.#request('POST', '/v2/chat', { ...toCohere(request), stream: true }, signal));
    done();
    return translateStream(response, request, this.timeoutMs);
  }
}

function modelOf(item, name) {
  const features = Array.isArray(item.features) ? item.features : [];
  const model = { id: name, name, capabilities: { streaming: true, function_calling: features.includes('tools') || features.includes('strict_tools'), vision: features.includes('vision') } };
  if (Number.isFinite(item.context_length)) model.context_window = Math.trunc(item.context_length);
  return model;
}

// ---- request: OpenAI style -> Cohere ----------------------------------------------------

const invalid = (message) => new PluginError('invalid_request', message);
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
  return '';
}

function contentOf(content) {
  if (content === null || content === undefined || typeof content === 'string') return content ?? '';
  if (!Array.isArray(content)) throw invalid('message content must be a string or an array of parts');
  return content.map((part) => {
    if (part?.type === 'text') return { type: 'text', text: String(part.text ?? '') };
    if (part?.type === 'image_url') {
      const url = isObject(part.image_url) ? part.image_url.url : part.image_url;
      if (typeof url !== 'string' || url === '') throw invalid('an image_url part needs a url');
      return { type: 'image_url', image_url: { url } };
    }
    throw invalid(`unsupported content part type ${JSON.stringify(part?.type ?? null)}`);
  });
}

function toolCallsOf(calls) {
  return (Array.isArray(calls) ? calls : []).map((call) => {
    const fn = call?.function;
    if (!isObject(fn) || !fn.name) throw invalid('every tool call needs a function name');
    return { id: String(call.id ?? ''), type: 'function', function: { name: fn.name, arguments: typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {}) } };
  });
}

/** Cohere's tool_choice is REQUIRED or NONE; a named tool becomes REQUIRED over just it. */
function toolsOf(request) {
  const tools = (Array.isArray(request.tools) ? request.tools : []).filter((tool) => isObject(tool?.function));
  const choice = request.tool_choice;
  if (choice === undefined || choice === null || choice === 'auto') return { tools };
  if (choice === 'none') return { tools, choice: 'NONE' };
  if (choice === 'required') return { tools, choice: 'REQUIRED' };
  if (isObject(choice) && isObject(choice.function)) return { tools: tools.filter((tool) => tool.function.name === choice.function.name), choice: 'REQUIRED' };
  throw invalid('tool_choice must be auto, none, required or a named function');
}

export function toCohere(request) {
  const system = [];
  const messages = [];
  for (const message of request.messages) {
    const role = message.role;
    if (role === 'system' || role === 'developer') system.push(textOf(message.content));
    else if (role === 'user') messages.push({ role: 'user', content: contentOf(message.content) });
    else if (role === 'assistant') {
      const calls = toolCallsOf(message.tool_calls);
      const text = textOf(message.content);
      messages.push({ role: 'assistant', ...(text || calls.length === 0 ? { content: text } : {}), ...(calls.length > 0 ? { tool_calls: calls } : {}) });
    } else if (role === 'tool') messages.push({ role: 'tool', tool_call_id: String(message.tool_call_id ?? ''), content: textOf(message.content) });
    else throw invalid(`unsupported message role ${JSON.stringify(role ?? null)}`);
  }
  // Cohere: "system turn must be the first in the list".
  if (system.length > 0) messages.unshift({ role: 'system', content: system.join('\n\n') });
  const body = { model: request.model, messages };
  for (const [ours, theirs] of [['temperature', 'temperature'], ['top_p', 'p'], ['seed', 'seed'], ['frequency_penalty', 'frequency_penalty'], ['presence_penalty', 'presence_penalty']]) {
    if (request[ours] !== undefined && request[ours] !== null) body[theirs] = request[ours];
  }
  const maxTokens = request.max_completion_tokens || request.max_tokens;
  if (maxTokens) body.max_tokens = maxTokens;
  if (request.stop) body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : [...request.stop];
  const { tools, choice } = toolsOf(request);
  if (tools.length > 0) {
    body.tools = tools;
    if (choice) body.tool_choice = choice;
  }
  return body;
}

// ---- answer: Cohere -> OpenAI style -----------------------------------------------------

const FINISH_REASONS = { COMPLETE: 'stop', STOP_SEQUENCE: 'stop', MAX_TOKENS: 'length', TOOL_CALL: 'tool_calls' };
const int = (value) => (typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0);

/** `tokens` are what the model saw; `billed_units` is for billing (a fallback). */
export function usageOf(usage = {}) {
  const tokens = isObject(usage.tokens) ? usage.tokens : isObject(usage.billed_units) ? usage.billed_units : {};
  const prompt = int(tokens.input_tokens);
  const completion = int(tokens.output_tokens);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Cohere's ERROR and TIMEOUT finish reasons are failures, not answers. */
function failedFinish(reason, detail, streaming = false) {
  const failures = { ERROR: ['provider_unavailable', 'an error'], TIMEOUT: ['timeout', 'a timeout'] };
  if (!Object.hasOwn(failures, reason)) return undefined;
  const [code, what] = failures[reason];
  return new PluginError(code, providerReported(code, detail ? providerQuote(detail) : '', { what, doing: streaming ? 'streaming' : 'generating' }));
}

export function fromResponse(data, request) {
  if (!isObject(data) || !isObject(data.message)) throw new PluginError('internal_error', "the provider's answer is not a valid chat response");
  const failure = failedFinish(data.finish_reason);
  if (failure) throw failure;
  const text = textOf(data.message.content);
  const calls = toolCallsOf(data.message.tool_calls);
  const message = { role: 'assistant', content: text || calls.length === 0 ? text : null };
  if (calls.length > 0) message.tool_calls = calls;
  return {
    id: String(data.id || `chatcmpl-${randomUUID()}`),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: String(request.model ?? ''),
    choices: [{ index: 0, message, finish_reason: FINISH_REASONS[data.finish_reason] ?? 'stop' }],
    usage: usageOf(isObject(data.usage) ? data.usage : {}),
  };
}

// ---- errors ---------------------------------------------------------------------------

const STATUS_CODES = { 401: 'authentication_failed', 403: 'authentication_failed', 498: 'authentication_failed', 402: 'quota_exceeded', 404: 'model_not_found', 408: 'timeout', 504: 'timeout' };

export async function errorFromResponse(response) {
  const status = response.status;
  let upstreamMessage = '';
  try {
    const message = JSON.parse(await response.text())?.message;
    if (message) upstreamMessage = providerQuote(message);
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
  // 501: a feature the model does not have, not an outage.
  if (status >= 500 && status !== 501) return new PluginError('provider_unavailable', message, { status: status === 503 ? 503 : 502, details });
  return new PluginError('invalid_request', message, { details });
}

// ---- streaming: Cohere events -> OpenAI chunks ------------------------------------------

class StreamState {
  constructor(request) {
    this.id = `chatcmpl-${randomUUID()}`;
    this.model = String(request.model ?? '');
    this.created = Math.floor(Date.now() / 1000);
    this.calls = new Map(); // Cohere tool call index -> OpenAI index
  }

  chunk(delta, finish = null, usage = undefined) {
    const chunk = { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [{ index: 0, delta, finish_reason: finish }] };
    if (usage) chunk.usage = usage;
    return event(chunk);
  }

  /** One Cohere event -> [OpenAI events, whether the stream is over]. */
  translate(data) {
    const delta = isObject(data.delta) ? data.delta : {};
    const message = isObject(delta.message) ? delta.message : {};
    switch (data.type) {
      case 'message-start':
        if (data.id) this.id = String(data.id);
        return [[this.chunk({ role: 'assistant', content: '' })], false];
      case 'content-delta': {
        const text = message.content?.text;
        return [text ? [this.chunk({ content: String(text) })] : [], false];
      }
      case 'tool-call-start': {
        const call = isObject(message.tool_calls) ? message.tool_calls : {};
        const index = this.calls.get(data.index) ?? this.calls.size;
        this.calls.set(data.index, index);
        return [[this.chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function?.name, arguments: String(call.function?.arguments ?? '') } }] })], false];
      }
      case 'tool-call-delta': {
        const index = this.calls.get(data.index) ?? 0;
        return [[this.chunk({ tool_calls: [{ index, function: { arguments: String(message.tool_calls?.function?.arguments ?? '') } }] })], false];
      }
      case 'message-end': {
        const failure = failedFinish(delta.finish_reason, delta.error, true);
        if (failure) throw failure;
        return [[this.chunk({}, FINISH_REASONS[delta.finish_reason] ?? 'stop', usageOf(isObject(delta.usage) ? delta.usage : {}))], true];
      }
      default:
        return [[], false]; // content-start/-end, tool-plan, citations, debug: nothing to pass on
    }
  }
}

/**
 * Cohere's typed SSE events in, OpenAI-style chunks out (http.js keeps the protocol's
 * rules); a [DONE] may follow message-end.
 */
function translateStream(response, request, timeoutMs) {
  const state = new StreamState(request);
  return relayStream(response, timeoutMs, {
    translate: (data) => state.translate(data),
    ended: () => {
      throw new PluginError('provider_unavailable', 'the provider ended the stream before the answer was finished (no message-end event); retrying may work');
    },
  });
}
