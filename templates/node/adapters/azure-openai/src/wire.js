// wire.js: the Azure OpenAI wire, laid over the openai adapter (its other files are
// openai's): an Azure OpenAI resource
// (`POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=...`).
// Azure speaks OpenAI's chat body and stream, so requests pass through; what differs is
// the URL (a chat request's `model` names the deployment), the `api-key` header, the
// required `api-version`, the model list (the configured deployments: Azure's data-plane
// /openai/models lists base models, not what this resource can serve), the filter-only
// first stream chunk, and Azure's error codes.
import { parseRetryAfter, PluginError, providerQuote } from './errors.js';

export class Wire {
  /** @param {Record<string, any>} config the validated /initialize fields */
  constructor(config) {
    this.apiVersion = config.api_version;
    this.deployments = config.deployment.split(',').map((name) => name.trim()).filter(Boolean);
  }

  baseUrl(endpoint) {
    return `${endpoint}/openai`;
  }

  authHeaders(apiKey) {
    return { 'api-key': apiKey };
  }

  chatPath(request) {
    return `/deployments/${encodeURIComponent(String(request.model))}/chat/completions?api-version=${encodeURIComponent(this.apiVersion)}`;
  }

  /** Azure's first chunk often carries only prompt_filter_results: nothing to pass on. */
  keepChunk(chunk) {
    return chunk.choices.length > 0 || Boolean(chunk.usage);
  }

  async listModels() {
    // A deployment is what a chat request can name; Azure's data plane cannot list them.
    return this.deployments.map((name) => ({ id: name, name, capabilities: { streaming: true } }));
  }
}

// ---- errors ---------------------------------------------------------------------------

const CONTENT_FILTER_CODES = new Set(['content_filter', 'ResponsibleAIPolicyViolation']);
// A "retry after" this long is a spent quota, not a rate limit worth waiting for.
const QUOTA_WAIT_SECONDS = 3600;

/** Maps an Azure non-200 answer to the Loom error table. */
export async function errorFromResponse(response) {
  let error = {};
  try {
    error = JSON.parse(await response.text())?.error;
  } catch {
    // not JSON: the status alone decides
  }
  return errorFromBody(response.status, error, response.headers);
}

/** An error answer's status and `error` member (and its headers) as a Loom error. */
export function errorFromBody(status, error, headers) {
  let codes = [];
  let upstreamMessage = '';
  if (error && typeof error === 'object') {
    const inner = error.innererror ?? error.inner_error ?? {};
    codes = [String(error.code ?? ''), String(inner?.code ?? '')];
    upstreamMessage = typeof error.message === 'string' ? providerQuote(error.message) : '';
  }
  const message = `the provider answered ${status}${codes[0] ? ` ${codes[0]}` : ''}${upstreamMessage ? `: ${upstreamMessage}` : ''}`;
  const details = { upstream_status: status };
  if (codes.some((code) => CONTENT_FILTER_CODES.has(code))) return new PluginError('content_filter', message, { details });
  if (status === 401 || status === 403) return new PluginError('authentication_failed', message, { details });
  if (status === 402) return new PluginError('quota_exceeded', message, { details });
  if (status === 404) return new PluginError('model_not_found', message, { details });
  if (status === 429) {
    const retryAfter = parseRetryAfter(headers.get('retry-after'), headers.get('retry-after-ms'));
    if (retryAfter >= QUOTA_WAIT_SECONDS) return new PluginError('quota_exceeded', message, { details: { ...details, retry_after: retryAfter } });
    return new PluginError('rate_limit_exceeded', message, { details: { ...details, retry_after: retryAfter }, headers: { 'Retry-After': String(retryAfter) } });
  }
  if (status === 408 || status === 504) return new PluginError('timeout', message, { details });
  if (status >= 500) return new PluginError('provider_unavailable', message, { status: status === 503 ? 503 : 502, details });
  return new PluginError('invalid_request', message, { details });
}
