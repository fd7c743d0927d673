// The upstream provider: the Gemini API (Generative Language v1beta), called with Node's
// built-in fetch.
//
// This is the adapter: it maps Loom's OpenAI-style chat request to a GenerateContent
// request (roles user/model, the system prompt as `systemInstruction`, settings in
// `generationConfig`, images as `inlineData`, tools as `functionDeclarations`, tool
// results as `functionResponse` parts), maps the answer back (text, `tool_calls`,
// `finish_reason`, usage that adds up), turns the `alt=sse` stream into OpenAI-style
// chunks ending in `[DONE]`, and maps every Gemini error to Loom's codes.
import { randomUUID } from 'node:crypto';
import { PluginError, providerQuote, providerReported } from './errors.js';
import { relayStream, send, sendJson, sseEvent as event } from './http.js';

const API_VERSION = 'v1beta';
// Enough pages for any real model list, bounded against a loop.
const MAX_MODEL_PAGES = 20;

export class Upstream {
  /** @param {Record<string, any>} config the validated /initialize fields */
  constructor(config) {
    this.base = `${config.endpoint.replace(/\/+$/, '')}/${API_VERSION}`;
    this.apiKey = config.api_key;
    this.timeoutMs = config.timeout * 1000;
  }

  /** One request for the shared plumbing (http.js); only the auth headers are Gemini's. */
  #request(method, path, body, signal) {
    return { url: this.base + path, method, headers: { 'x-goog-api-key': this.apiKey }, body, timeoutMs: this.timeoutMs, signal, errorFromResponse };
  }

  async listModels() {
    const models = [];
    const seen = new Set();
    let token;
    for (let page = 0; page < MAX_MODEL_PAGES; page += 1) {
      const data = await sendJson(this.#request('GET', `/models?pageSize=1000${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`));
      if (!Array.isArray(data?.models)) throw new PluginError('internal_error', "the provider's model list is not a list");
      for (const item of data.models) {
        const methods = item?.supportedGenerationMethods;
        // Embedding-only models cannot chat: list what generateContent serves.
        if (typeof item?.name !== 'string' || (Array.isArray(methods) && !methods.includes('generateContent'))) continue;
        const id = item.name.replace(/^models\//, '');
        if (id === '' || seen.has(id)) continue;
        seen.add(id);
        models.push(modelOf(item, id));
      }
      token = data.nextPageToken;
      if (typeof token !== 'string' || token === '') break;
    }
    return models;
  }

  async chat(request) {
    return fromResponse(await sendJson(this.#request('POST', `/models/${modelPath(request)}:generateContent`, toGemini(request))), request);
  }

  /**
   * Opens the stream now (so an upstream error is still an ordinary JSON error), then
   * returns an async iterator of OpenAI-style SSE events made from Gemini's chunks.
   */
  async chatStream(request, signal) {
    const { response, done } = await send(this.#request('POST', `/models/${modelPath(request)}:streamGenerateContent?alt=sse`, toGemini(request), signal));
    done();
    return translateStream(response, request, this.timeoutMs);
  }
}

function modelOf(item, id) {
  const methods = item.supportedGenerationMethods;
  // Gemini chat models take images and tools; streaming is a method of its own.
  const streams = !Array.isArray(methods) || methods.includes('streamGenerateContent');
  const model = { id, name: typeof item.displayName === 'string' && item.displayName ? item.displayName : id, capabilities: { streaming: streams, function_calling: true, vision: true } };
  if (typeof item.description === 'string' && item.description) model.description = item.description;
  if (Number.isInteger(item.inputTokenLimit)) model.context_window = item.inputTokenLimit;
  if (Number.isInteger(item.outputTokenLimit)) model.max_output_tokens = item.outputTokenLimit;
  return model;
}

const modelPath = (request) => encodeURIComponent(String(request.model).replace(/^models\//, ''));

// ---- request: OpenAI style -> Gemini ----------------------------------------------------

const invalid = (message) => new PluginError('invalid_request', message);
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
  return '';
}

function parts(content) {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  if (!Array.isArray(content)) throw invalid('message content must be a string or an array of parts');
  return content.map((part) => {
    if (part?.type === 'text') return { text: String(part.text ?? '') };
    if (part?.type === 'image_url') {
      const url = isObject(part.image_url) ? part.image_url.url : part.image_url;
      const match = typeof url === 'string' ? /^data:(image\/[\w.+-]+);base64,(.*)$/s.exec(url) : null;
      if (!match) throw invalid('Gemini takes images inline: send the image as a data:image/<type>;base64,... URL');
      return { inlineData: { mimeType: match[1], data: match[2] } };
    }
    throw invalid(`unsupported content part type ${JSON.stringify(part?.type ?? null)}`);
  });
}

function functionCall(call) {
  const fn = call?.function;
  if (!isObject(fn) || !fn.name) throw invalid('every tool call needs a function name');
  let args;
  try {
    args = JSON.parse(fn.arguments || '{}');
  } catch {
    throw invalid('tool call arguments must be a JSON text');
  }
  return { name: fn.name, args: isObject(args) ? args : { value: args } };
}

function toolConfig(choice) {
  if (choice === undefined || choice === null) return undefined;
  const modes = { auto: 'AUTO', none: 'NONE', required: 'ANY' };
  if (typeof choice === 'string' && modes[choice]) return { functionCallingConfig: { mode: modes[choice] } };
  if (isObject(choice) && isObject(choice.function)) return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
  throw invalid('tool_choice must be auto, none, required or a named function');
}

export function toGemini(request) {
  const system = [];
  const contents = [];
  const names = new Map(); // tool call id -> function name (functionResponse needs the name)
  const add = (role, items) => {
    if (contents.at(-1)?.role === role) contents.at(-1).parts.push(...items); // one turn per role in a row
    else contents.push({ role, parts: items });
  };
  for (const message of request.messages) {
    const role = message.role;
    if (role === 'system' || role === 'developer') system.push({ text: textOf(message.content) });
    else if (role === 'user') add('user', parts(message.content));
    else if (role === 'assistant') {
      const items = parts(message.content);
      for (const call of message.tool_calls ?? []) {
        const fn = functionCall(call);
        names.set(String(call.id), fn.name);
        items.push({ functionCall: fn });
      }
      add('model', items);
    } else if (role === 'tool') {
      const id = String(message.tool_call_id ?? '');
      add('user', [{ functionResponse: { name: names.get(id) ?? String(message.name ?? id), response: { content: textOf(message.content) } } }]);
    } else throw invalid(`unsupported message role ${JSON.stringify(role ?? null)}`);
  }
  const body = { contents };
  if (system.length > 0) body.systemInstruction = { parts: system };
  const config = {};
  if (request.temperature !== undefined && request.temperature !== null) config.temperature = request.temperature;
  if (request.top_p !== undefined && request.top_p !== null) config.topP = request.top_p;
  const maxTokens = request.max_completion_tokens || request.max_tokens;
  if (maxTokens) config.maxOutputTokens = maxTokens;
  if (request.stop) config.stopSequences = typeof request.stop === 'string' ? [request.stop] : [...request.stop];
  if (Object.keys(config).length > 0) body.generationConfig = config;
  const tools = (Array.isArray(request.tools) ? request.tools : []).filter((tool) => isObject(tool?.function)).map((tool) => tool.function);
  if (tools.length > 0) {
    body.tools = [{ functionDeclarations: tools.map((fn) => ({ name: fn.name, description: fn.description ?? '', ...(fn.parameters ? { parameters: fn.parameters } : {}) })) }];
    const config = toolConfig(request.tool_choice);
    if (config) body.toolConfig = config;
  }
  return body;
}

// ---- answer: Gemini -> OpenAI style -----------------------------------------------------

const SAFETY_REASONS = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION']);

export function finishReason(reason, hasCalls) {
  if (reason === 'MAX_TOKENS') return 'length';
  if (SAFETY_REASONS.has(reason)) return 'content_filter';
  return hasCalls ? 'tool_calls' : 'stop';
}

const int = (value) => (typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0);

/** Thinking tokens are generated (and billed) output too. */
export function usageOf(usage = {}) {
  const prompt = int(usage.promptTokenCount);
  const completion = int(usage.candidatesTokenCount) + int(usage.thoughtsTokenCount);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function blocked(data) {
  const reason = data?.promptFeedback?.blockReason;
  return reason && !(Array.isArray(data.candidates) && data.candidates.length > 0) ? new PluginError('content_filter', `the provider blocked the prompt: ${reason}`) : undefined;
}

/** Text, function calls and finish reason of the first candidate. */
function candidate(data) {
  const bad = () => new PluginError('internal_error', "the provider's answer is not a valid GenerateContentResponse");
  if (!isObject(data)) throw bad();
  const first = Array.isArray(data.candidates) ? data.candidates[0] : undefined;
  if (!isObject(first)) {
    if ('usageMetadata' in data) return { text: '', calls: [], reason: undefined }; // a chunk with usage only
    throw bad();
  }
  const items = Array.isArray(first.content?.parts) ? first.content.parts : [];
  const text = items.filter((p) => typeof p?.text === 'string' && !p.thought).map((p) => p.text).join('');
  const calls = items.filter((p) => isObject(p?.functionCall)).map((p) => p.functionCall);
  return { text, calls, reason: first.finishReason };
}

// Gemini names calls but gives no id; a stable one per position lets clients answer.
const toolCall = (call, index) => ({ id: String(call.id || `call_${index}_${call.name}`), type: 'function', function: { name: String(call.name), arguments: JSON.stringify(call.args ?? {}) } });

export function fromResponse(data, request) {
  const block = blocked(data);
  if (block) throw block;
  const { text, calls, reason } = candidate(data);
  const message = { role: 'assistant', content: text || calls.length === 0 ? text : null };
  if (calls.length > 0) message.tool_calls = calls.map(toolCall);
  return {
    id: String(data.responseId || `chatcmpl-${randomUUID()}`),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: String(data.modelVersion || request.model || ''),
    choices: [{ index: 0, message, finish_reason: finishReason(reason, calls.length > 0) }],
    usage: usageOf(isObject(data.usageMetadata) ? data.usageMetadata : {}),
  };
}

// ---- errors ---------------------------------------------------------------------------

const STATUS_CODES = { 401: 'authentication_failed', 403: 'authentication_failed', 404: 'model_not_found', 408: 'timeout', 504: 'timeout' };
const detail = (details, kind) => (Array.isArray(details) ? details.find((d) => String(d?.['@type'] ?? '').endsWith(kind)) : undefined) ?? {};

export function loomError(status, error = {}, retryHeader = null) {
  const rpc = String(error.status ?? '');
  const upstreamMessage = typeof error.message === 'string' ? providerQuote(error.message) : '';
  const message = `the provider answered ${status}${rpc ? ` ${rpc}` : ''}${upstreamMessage ? `: ${upstreamMessage}` : ''}`;
  const details = { upstream_status: status };
  if (status === 400 && detail(error.details, 'ErrorInfo').reason === 'API_KEY_INVALID') return new PluginError('authentication_failed', message, { details });
  if (status === 400 && rpc === 'FAILED_PRECONDITION') return new PluginError('quota_exceeded', message, { details }); // billing or region
  if (status === 429) {
    const retry = detail(error.details, 'RetryInfo');
    const quotaIds = (detail(error.details, 'QuotaFailure').violations ?? []).map((v) => String(v?.quotaId ?? '')).join(' ');
    if (quotaIds.includes('PerDay') || (!retry.retryDelay && upstreamMessage.includes('exceeded your current quota'))) {
      return new PluginError('quota_exceeded', message, { details }); // waiting minutes will not help
    }
    const retryAfter = retrySeconds(retry.retryDelay, retryHeader);
    return new PluginError('rate_limit_exceeded', message, { details: { ...details, retry_after: retryAfter }, headers: { 'Retry-After': String(retryAfter) } });
  }
  if (STATUS_CODES[status]) return new PluginError(STATUS_CODES[status], message, { details });
  if (status >= 500) return new PluginError('provider_unavailable', message, { status: status === 503 ? 503 : 502, details });
  return new PluginError('invalid_request', message, { details });
}

export async function errorFromResponse(response) {
  let error;
  try {
    error = JSON.parse(await response.text())?.error;
  } catch {
    // not JSON: the status alone decides
  }
  return loomError(response.status, isObject(error) ? error : {}, response.headers.get('retry-after'));
}

/**
 * An error Gemini reports inside the stream: mapped like an HTTP error, told like the other
 * stream failures, with what the provider said.
 */
function streamError(error) {
  const failure = loomError(Number.isInteger(error.code) ? error.code : 502, error);
  const said = [String(error.status ?? ''), typeof error.message === 'string' ? providerQuote(error.message) : ''].filter(Boolean).join(': ');
  failure.message = providerReported(failure.code, said);
  return failure;
}

/** Seconds to wait: RetryInfo's "58s" or "1.5s", else Retry-After, else 1. */
export function retrySeconds(delay, header) {
  for (const value of [delay, header]) {
    const seconds = typeof value === 'string' ? Number(value.replace(/s$/, '')) : NaN;
    if (Number.isFinite(seconds)) return Math.max(0, Math.floor(seconds));
  }
  return 1;
}

// ---- streaming: Gemini chunks -> OpenAI chunks ------------------------------------------

class StreamState {
  constructor(request) {
    this.id = `chatcmpl-${randomUUID()}`;
    this.model = String(request.model ?? '');
    this.created = Math.floor(Date.now() / 1000);
    this.usage = {};
    this.finish = undefined;
    this.calls = 0;
    this.started = false;
  }

  chunk(delta, finish = null, usage = undefined) {
    const chunk = { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [{ index: 0, delta, finish_reason: finish }] };
    if (usage) chunk.usage = usage;
    return event(chunk);
  }

  /** One Gemini chunk -> OpenAI events; throws a PluginError for an in-stream error. */
  translate(data) {
    if (isObject(data.error)) throw streamError(data.error);
    const block = blocked(data);
    if (block) throw block;
    const { text, calls, reason } = candidate(data);
    if (data.responseId) this.id = String(data.responseId);
    if (isObject(data.usageMetadata)) this.usage = data.usageMetadata; // running totals
    const out = [];
    if (!this.started) {
      this.started = true;
      out.push(this.chunk({ role: 'assistant', content: '' }));
    }
    if (text) out.push(this.chunk({ content: text }));
    for (const call of calls) {
      out.push(this.chunk({ tool_calls: [{ index: this.calls, ...toolCall(call, this.calls) }] }));
      this.calls += 1;
    }
    if (reason) this.finish = finishReason(reason, this.calls > 0);
    return out;
  }
}

/**
 * Gemini's `data:` chunks in, OpenAI-style chunks out (http.js keeps the protocol's
 * rules); Gemini ends by closing the stream, so the last chunk (finish reason, usage) is
 * sent then.
 */
function translateStream(response, request, timeoutMs) {
  const state = new StreamState(request);
  return relayStream(response, timeoutMs, {
    translate: (data) => [state.translate(data), false],
    ended: () => {
      if (state.finish === undefined) throw new PluginError('provider_unavailable', 'the provider ended the stream before the answer was finished (no finishReason); retrying may work');
      return [state.chunk({}, state.finish, usageOf(state.usage))];
    },
  });
}
