// wire.js: what differs between OpenAI-compatible dialects. This is the plain OpenAI
// wire: {endpoint}/chat/completions with a Bearer token, the upstream's /models, and its
// error codes. An adapter that extends this one (Azure OpenAI) replaces this file and
// keeps the rest.
import { parseRetryAfter, PluginError, providerQuote } from './errors.js';

export class Wire {
  baseUrl(endpoint) {
    return endpoint;
  }

  authHeaders(apiKey) {
    return { Authorization: `Bearer ${apiKey}` };
  }

  chatPath() {
    return '/chat/completions';
  }

  /** OpenAI sends no chunk to drop. */
  keepChunk() {
    return true;
  }

  /** The upstream's OpenAI list as Loom's models. */
  async listModels(getJson) {
    const data = await getJson('/models');
    const items = Array.isArray(data) ? data : data?.data;
    if (!Array.isArray(items)) throw new PluginError('internal_error', "the provider's model list is not a list");
    const seen = new Set();
    const models = [];
    for (const item of items) {
      const id = item?.id;
      if (typeof id !== 'string' || id === '' || seen.has(id)) continue;
      seen.add(id);
      models.push({ id, name: typeof item.name === 'string' && item.name ? item.name : id });
    }
    return models;
  }
}

// ---- errors ---------------------------------------------------------------------------

const CONTENT_FILTER_CODES = new Set(['content_filter', 'content_policy_violation']);

/** Maps an upstream non-200 answer to the Loom error table. */
export async function errorFromResponse(response) {
  let error = {};
  try {
    const payload = JSON.parse(await response.text());
    error = payload?.error ?? payload;
  } catch {
    // not JSON: the status alone decides
  }
  return errorFromBody(response.status, error, response.headers);
}

/** An error answer's status and `error` member (and its headers) as a Loom error. */
export function errorFromBody(status, error, headers) {
  let upstreamCode = '';
  let upstreamMessage = '';
  if (typeof error === 'string') upstreamMessage = providerQuote(error);
  else if (error && typeof error === 'object') {
    upstreamCode = String(error.code ?? error.type ?? '');
    upstreamMessage = typeof error.message === 'string' ? providerQuote(error.message) : '';
  }
  const message = `the provider answered ${status}${upstreamMessage ? `: ${upstreamMessage}` : ''}`;
  const details = { upstream_status: status };
  if (status === 401 || status === 403) return new PluginError('authentication_failed', message, { details });
  if (status === 402 || upstreamCode === 'insufficient_quota') return new PluginError('quota_exceeded', message, { details });
  if (status === 404) return new PluginError('model_not_found', message, { details });
  if (status === 422 || CONTENT_FILTER_CODES.has(upstreamCode)) return new PluginError('content_filter', message, { details });
  if (status === 429) {
    const retryAfter = parseRetryAfter(headers.get('retry-after'));
    return new PluginError('rate_limit_exceeded', message, {
      details: { ...details, retry_after: retryAfter },
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
  if (status === 408 || status === 504) return new PluginError('timeout', message, { details });
  if (status === 503) return new PluginError('provider_unavailable', message, { status: 503, details });
  if (status >= 500) return new PluginError('provider_unavailable', message, { status: 502, details });
  return new PluginError('invalid_request', message, { details });
}
