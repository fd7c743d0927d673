// The Loom error model: every non-200 answer is `{code, message, transient, details?}`.
// Status and transient follow from the code (the protocol's error table), so the rest of
// the code only says *what* went wrong.

/** code -> [HTTP status, transient] */
export const ERROR_TABLE = {
  invalid_request: [400, false],
  authentication_failed: [401, false],
  quota_exceeded: [402, false],
  model_not_found: [404, false],
  content_filter: [422, false],
  rate_limit_exceeded: [429, true],
  internal_error: [500, false],
  provider_unavailable: [502, true], // 503 when the upstream itself said 503
  timeout: [504, true],
};

// Error messages quote the provider's own text, and a provider or proxy may echo the key
// back in it: every answer shows the configured key as KEY_MARKER instead. Shorter keys
// are left alone, so that a short value cannot blank common words.
export const KEY_MARKER = '[api_key]';
const MIN_HIDDEN_KEY = 8;
let hiddenKey = '';

/** Called by /initialize with the configured api_key (one config per plugin process). */
export function hideKeyInMessages(key) {
  hiddenKey = typeof key === 'string' && key.length >= MIN_HIDDEN_KEY ? key : '';
}

export const withoutKey = (text) => (hiddenKey ? text.replaceAll(hiddenKey, KEY_MARKER) : text);

export class PluginError extends Error {
  /**
   * @param {keyof typeof ERROR_TABLE} code
   * @param {string} message
   * @param {{status?: number, details?: object, headers?: Record<string, string>}} [options]
   */
  constructor(code, message, options = {}) {
    super(message);
    const [status, transient] = ERROR_TABLE[code];
    this.code = code;
    this.status = options.status ?? status;
    this.transient = transient;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  body() {
    const body = { code: this.code, message: withoutKey(this.message), transient: this.transient };
    if (this.details) body.details = this.details;
    return body;
  }
}

/**
 * Seconds a rate-limited upstream asks to wait: its retry-after-ms when it sends one, else
 * Retry-After (seconds or an HTTP date), else 1.
 */
export function parseRetryAfter(header, milliseconds) {
  const ms = Number(milliseconds);
  if (milliseconds && Number.isFinite(ms)) return Math.max(0, Math.ceil(ms / 1000));
  if (!header) return 1;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.floor(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1 : Math.max(0, Math.floor((date - Date.now()) / 1000));
}
