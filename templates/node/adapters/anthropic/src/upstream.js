// The upstream provider: Anthropic's Messages API (`POST /v1/messages`, `GET /v1/models`),
// called with Node's built-in fetch.
//
// This is the adapter: it maps Loom's OpenAI-style chat request to an Anthropic request
// (the system prompt as the top-level `system`, images as image blocks, tools with
// `input_schema`, the `max_tokens` Anthropic requires), maps the message back (text,
// `tool_calls`, `finish_reason`, usage that adds up), turns Anthropic's named stream events
// into OpenAI-style chunks ending in `[DONE]`, and maps every Anthropic error to Loom's
// codes. The routes never see a raw upstream response.
import { randomUUID } from 'node:crypto';
import { parseRetryAfter, PluginError, providerQuote, providerReported } from './errors.js';
import { relayStream, send, sendJson, sseEvent as event } from './http.js';

const ANTHROPIC_VERSION = '2023-06-01';
// Enough pages for any real model list, bounded against a loop.
const MAX_MODEL_PAGES = 20;

export class Upstream {
  /** @param {Record<string, any>} config the validated /initialize fields */
  constructor(config) {
    this.base = config.endpoint.replace(/\/+$/, '');
    this.apiKey = config.api_key;
    this.timeoutMs = config.timeout * 1000;
    this.defaultMaxTokens = config.max_tokens ?? 4096;
  }

  /** One request for the shared plumbing (http.js); only the auth headers are Anthropic's. */
  #request(method, path, body, signal) {
    return { url: this.base + path, method, headers: { 'x-api-key': this.apiKey, 'anthropic-version': ANTHROPIC_VERSION }, body, timeoutMs: this.timeoutMs, signal, errorFromResponse };
  }

  async listModels() {
    const models = [];
    const seen = new Set();
    let after;
    for (let page = 0; page < MAX_MODEL_PAGES; page += 1) {
      const query = `?limit=1000${after ? `&after_id=${encodeURIComponent(after)}` : ''}`;
      const data = await sendJson(this.#request('GET', `/v1/models${query}`));
      if (!Array.isArray(data?.data)) throw new PluginError('internal_error', "the provider's model list is not a list");
      for (const item of data.data) {
        const id = item?.id;
        if (typeof id !== 'string' || id === '' || seen.has(id)) continue;
        seen.add(id);
        models.push(modelOf(item, id));
      }
      after = data.last_id;
      if (!data.has_more || typeof after !== 'string') break;
    }
    return models;
  }

  async chat(request) {
    return fromMessage(await sendJson(this.#request('POST', '/v1/messages', toAnthropic(request, this.defaultMaxTokens))), request);
  }

  /**
   * Opens the stream now (so an upstream error is still an ordinary JSON error), then
   * returns an async iterator of OpenAI-style SSE events made from Anthropic's.
   */
  async chatStream(request, signal) {
    const body = { ...toAnthropic(request, this.defaultMaxTokens), stream: true };
    const { response, done } = await send(this.#request('POST', '/v1/messages', body, signal));
    done();
    return translateStream(response, request, this.timeoutMs);
  }
}

function modelOf(item, id) {
  // Every current Claude model streams, calls tools and reads images.
  const model = { id, name: typeof item.display_name === 'string' && item.display_name ? item.display_name : id, capabilities: { streaming: true, function_calling: true, vision: true } };
  if (Number.isInteger(item.max_input_tokens)) model.context_window = item.max_input_tokens;
  if (Number.isInteger(item.max_tokens)) model.max_output_tokens = item.max_tokens;
  return model;
}

// ---- request: OpenAI style -> Anthropic -------------------------------------------------

const invalid = (message) => new PluginError('invalid_request', message);
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
  return '';
}

function imageBlock(part) {
  const url = isObject(part.image_url) ? part.image_url.url : part.image_url;
  if (typeof url !== 'string' || url === '') throw invalid('an image_url part needs a url');
  if (url.startsWith('data:')) {
    const match = /^data:(image\/[\w.+-]+);base64,(.*)$/s.exec(url);
    if (!match) throw invalid('an image data URL must be data:image/<type>;base64,...');
    return { type: 'image', source: { type: 'base64', media_type: match[1], data: match[2] } };
  }
  return { type: 'image', source: { type: 'url', url } };
}

function blocks(content) {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  if (!Array.isArray(content)) throw invalid('message content must be a string or an array of parts');
  return content.map((part) => {
    if (part?.type === 'text') return { type: 'text', text: String(part.text ?? '') };
    if (part?.type === 'image_url') return imageBlock(part);
    throw invalid(`unsupported content part type ${JSON.stringify(part?.type ?? null)}`);
  });
}

function toolUse(call) {
  const fn = call?.function;
  if (!isObject(fn) || !fn.name) throw invalid('every tool call needs a function name');
  let input;
  try {
    input = JSON.parse(fn.arguments || '{}');
  } catch {
    throw invalid('tool call arguments must be a JSON text');
  }
  return { type: 'tool_use', id: String(call.id ?? ''), name: fn.name, input };
}

function turn(message) {
  if (message.role === 'tool') {
    return ['user', [{ type: 'tool_result', tool_use_id: String(message.tool_call_id ?? ''), content: textOf(message.content) }]];
  }
  if (message.role === 'assistant') return ['assistant', [...blocks(message.content), ...(message.tool_calls ?? []).map(toolUse)]];
  if (message.role === 'user') return ['user', blocks(message.content)];
  throw invalid(`unsupported message role ${JSON.stringify(message.role ?? null)}`);
}

function toolChoice(choice) {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any' };
  if (isObject(choice) && isObject(choice.function)) return { type: 'tool', name: choice.function.name };
  throw invalid('tool_choice must be auto, none, required or a named function');
}

export function toAnthropic(request, defaultMaxTokens) {
  const system = [];
  const turns = [];
  for (const message of request.messages) {
    if (message.role === 'system' || message.role === 'developer') {
      system.push(textOf(message.content));
      continue;
    }
    const [role, content] = turn(message);
    // Anthropic wants the roles to alternate: consecutive turns of one role become one.
    if (turns.at(-1)?.role === role) turns.at(-1).content.push(...content);
    else turns.push({ role, content });
  }
  const body = {
    model: request.model,
    messages: turns,
    max_tokens: request.max_completion_tokens || request.max_tokens || defaultMaxTokens,
  };
  if (system.length > 0) body.system = system.join('\n\n');
  for (const key of ['temperature', 'top_p']) if (request[key] !== undefined && request[key] !== null) body[key] = request[key];
  if (request.stop) body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : [...request.stop];
  if (Array.isArray(request.tools) && request.tools.length > 0) {
    body.tools = request.tools.filter((tool) => isObject(tool?.function)).map(({ function: fn }) => ({
      name: fn.name,
      description: fn.description ?? '',
      input_schema: fn.parameters ?? { type: 'object', properties: {} },
    }));
    const choice = toolChoice(request.tool_choice);
    if (choice) body.tool_choice = choice;
  }
  return body;
}

// ---- answer: Anthropic -> OpenAI style --------------------------------------------------

const FINISH_REASONS = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

const int = (value) => (typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0);

/** Cached input is input too: the three fields together are what the prompt cost. */
export function usageOf(usage = {}) {
  const prompt = int(usage.input_tokens) + int(usage.cache_creation_input_tokens) + int(usage.cache_read_input_tokens);
  const completion = int(usage.output_tokens);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function fromMessage(data, request) {
  if (!isObject(data) || !Array.isArray(data.content)) throw new PluginError('internal_error', "the provider's answer is not a valid message");
  const text = data.content.filter((b) => b?.type === 'text').map((b) => String(b.text ?? '')).join('');
  const calls = data.content.filter((b) => b?.type === 'tool_use').map((b) => ({
    id: String(b.id), type: 'function', function: { name: String(b.name), arguments: JSON.stringify(b.input ?? {}) },
  }));
  const message = { role: 'assistant', content: text || calls.length === 0 ? text : null };
  if (calls.length > 0) message.tool_calls = calls;
  return {
    id: String(data.id || `chatcmpl-${randomUUID()}`),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: String(data.model || request.model || ''),
    choices: [{ index: 0, message, finish_reason: FINISH_REASONS[data.stop_reason] ?? 'stop' }],
    usage: usageOf(isObject(data.usage) ? data.usage : {}),
  };
}

// ---- errors ---------------------------------------------------------------------------

// Anthropic's error.type -> Loom code (the in-stream `error` event carries only the type).
const ERROR_TYPES = {
  invalid_request_error: 'invalid_request',
  request_too_large: 'invalid_request',
  authentication_error: 'authentication_failed',
  permission_error: 'authentication_failed',
  billing_error: 'quota_exceeded',
  not_found_error: 'model_not_found',
  rate_limit_error: 'rate_limit_exceeded',
  timeout_error: 'timeout',
  api_error: 'provider_unavailable',
  overloaded_error: 'provider_unavailable',
};
const STATUS_CODES = { 401: 'authentication_failed', 403: 'authentication_failed', 402: 'quota_exceeded', 404: 'model_not_found', 429: 'rate_limit_exceeded', 408: 'timeout', 504: 'timeout' };
const SPEND_LIMIT = /spend limit|credit balance|enforced_spend_limit_reached/i;

export function loomCode(status, errorType, raw) {
  if (SPEND_LIMIT.test(raw)) return 'quota_exceeded'; // a spend cap (400 or 429): waiting does not help
  if (STATUS_CODES[status]) return STATUS_CODES[status];
  if (status >= 500) return 'provider_unavailable'; // 500 api_error, 529 overloaded_error, gateways
  return ERROR_TYPES[errorType] ?? 'invalid_request';
}

function pluginError(code, message, status, retryAfterHeader) {
  const details = status ? { upstream_status: status } : undefined;
  if (code === 'rate_limit_exceeded') {
    const retryAfter = parseRetryAfter(retryAfterHeader);
    return new PluginError(code, message, { details: { ...details, retry_after: retryAfter }, headers: { 'Retry-After': String(retryAfter) } });
  }
  // Overloaded (529) and 503 say "come back later": keep that 503; the rest is a bad gateway.
  if (code === 'provider_unavailable') return new PluginError(code, message, { status: status === 503 || status === 529 ? 503 : 502, details });
  return new PluginError(code, message, { details });
}

export async function errorFromResponse(response) {
  const status = response.status;
  const raw = (await response.text().catch(() => '')).slice(0, 2000);
  let errorType = '';
  let upstreamMessage = '';
  try {
    const error = JSON.parse(raw)?.error;
    errorType = String(error?.type ?? '');
    upstreamMessage = typeof error?.message === 'string' ? providerQuote(error.message) : '';
  } catch {
    // not JSON: the status alone decides
  }
  const message = `the provider answered ${status}${errorType ? ` ${errorType}` : ''}${upstreamMessage ? `: ${upstreamMessage}` : ''}`;
  return pluginError(loomCode(status, errorType, raw), message, status, response.headers.get('retry-after'));
}

// ---- streaming: Anthropic events -> OpenAI chunks ---------------------------------------

class StreamState {
  constructor(request) {
    this.id = `chatcmpl-${randomUUID()}`;
    this.model = String(request.model ?? '');
    this.created = Math.floor(Date.now() / 1000);
    this.usage = {};
    this.finish = 'stop';
    this.tools = new Map(); // Anthropic block index -> OpenAI tool call index
  }

  chunk(delta, finish = null, usage = undefined) {
    const chunk = { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [{ index: 0, delta, finish_reason: finish }] };
    if (usage) chunk.usage = usage;
    return event(chunk);
  }

  /** One Anthropic event -> [OpenAI events, whether the stream is over]; throws an in-stream error. */
  translate(data) {
    switch (data.type) {
      case 'message_start':
        this.id = String(data.message?.id || this.id);
        this.model = String(data.message?.model || this.model);
        Object.assign(this.usage, data.message?.usage);
        return [[this.chunk({ role: 'assistant', content: '' })], false];
      case 'content_block_start': {
        const block = data.content_block ?? {};
        if (block.type !== 'tool_use') return [[], false];
        const index = this.tools.get(data.index) ?? this.tools.size;
        this.tools.set(data.index, index);
        return [[this.chunk({ tool_calls: [{ index, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] })], false];
      }
      case 'content_block_delta': {
        const delta = data.delta ?? {};
        if (delta.type === 'text_delta') return [[this.chunk({ content: String(delta.text ?? '') })], false];
        if (delta.type === 'input_json_delta') {
          const index = this.tools.get(data.index) ?? 0;
          return [[this.chunk({ tool_calls: [{ index, function: { arguments: String(delta.partial_json ?? '') } }] })], false];
        }
        return [[], false]; // thinking, signatures, citations: not part of an OpenAI chunk
      }
      case 'message_delta':
        this.finish = FINISH_REASONS[data.delta?.stop_reason] ?? 'stop';
        Object.assign(this.usage, data.usage); // output_tokens is cumulative
        return [[], false];
      case 'message_stop':
        return [[this.chunk({}, this.finish, usageOf(this.usage))], true];
      case 'error': {
        const type = String(data.error?.type ?? '');
        const code = ERROR_TYPES[type] ?? 'provider_unavailable';
        throw pluginError(code, providerReported(code, type), 0);
      }
      default:
        return [[], false]; // ping, and event types added later
    }
  }
}

/** Anthropic's named SSE events in, OpenAI-style chunks out (http.js keeps the protocol's rules). */
function translateStream(response, request, timeoutMs) {
  const state = new StreamState(request);
  return relayStream(response, timeoutMs, {
    translate: (data) => state.translate(data),
    ended: () => {
      throw new PluginError('provider_unavailable', 'the provider ended the stream before the answer was finished (no message_stop event); retrying may work');
    },
  });
}
