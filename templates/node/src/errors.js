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

// Error answers quote the provider's own text, and a provider or proxy may echo a secret
// back in it: the configured api_key, or another config field the manifest marks
// `sensitive: true`. Every string of every error answer, details included, shows it as
// `[<field>]` instead (`[api_key]`), found
// - as configured, so inside "Bearer <key>" or "x-api-key: <key>" too;
// - percent-encoded, as a URL or form quotes it (any characters encoded, hex digits in
//   either case, a space as "+"), or JSON-escaped ("\/", "\"", "\\", "\u002b");
// - cut short: any run of its first 8 or more characters, as a quote cut at 200
//   characters leaves it; providerQuote() hides secrets before it cuts, so its cut
//   cannot split an encoded copy either.
// Not found: other encodings (base64, as in a Basic auth header; HTML entities; escaped
// twice), fewer than its first 8 characters, and an encoded copy cut short by anything but
// providerQuote(). A secret shorter than 8 characters is left alone, so that a short
// value cannot blank common words.
const MIN_SECRET = 8;
/** How much of the provider's own text an error message quotes. */
export const QUOTE_LIMIT = 200;
let secrets = [];

/** Called by /initialize with the configured secrets, field name -> value (one config per plugin process). */
export function hideSecrets(named) {
  secrets = Object.entries(named)
    .filter(([, value]) => typeof value === 'string' && value.length >= MIN_SECRET)
    .sort(([, a], [, b]) => b.length - a.length)
    .map(([name, value]) => ({ value, marker: `[${name}]`, pattern: new RegExp([...value].map(charPattern).join(''), 'g') }));
}

/** A character of a secret as it is, percent-encoded or JSON-escaped (letters and digits stay as they are). */
function charPattern(char) {
  if (/[A-Za-z0-9]/.test(char)) return char;
  const hex = (n, width) => n.toString(16).padStart(width, '0').replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`);
  const literal = char.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  const forms = [literal, [...Buffer.from(char)].map((byte) => `%${hex(byte, 2)}`).join('')];
  if (char.codePointAt(0) <= 0xffff) forms.push(`\\\\u${hex(char.codePointAt(0), 4)}`);
  if ('/"\\'.includes(char)) forms.push(`\\\\${literal}`);
  if (char === ' ') forms.push('\\+');
  return `(?:${forms.join('|')})`;
}

/** `text` with every run of a secret's first MIN_SECRET or more characters as its marker. */
function withoutStart(text, { value, marker }) {
  const start = value.slice(0, MIN_SECRET);
  let out = '';
  let from = 0;
  for (let at = text.indexOf(start, from); at !== -1; at = text.indexOf(start, from)) {
    let end = at + MIN_SECRET;
    while (end < text.length && end - at < value.length && text[end] === value[end - at]) end += 1;
    out += text.slice(from, at) + marker;
    from = end;
  }
  return out + text.slice(from);
}

/** `text` with the configured secrets as their markers. */
export function withoutSecrets(text) {
  let out = text;
  for (const secret of secrets) out = out.replace(secret.pattern, () => secret.marker);
  for (const secret of secrets) out = withoutStart(out, secret);
  return out;
}

/** `value` with withoutSecrets applied to every string in it (object keys too). */
function cleaned(value) {
  if (typeof value === 'string') return withoutSecrets(value);
  if (Array.isArray(value)) return value.map(cleaned);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [withoutSecrets(key), cleaned(item)]));
  return value;
}

/**
 * The provider's own text as an error message quotes it: secrets hidden first, so that the
 * cut cannot leave part of one, then cut at `limit` characters (past a marker it would split).
 */
export function providerQuote(text, limit = QUOTE_LIMIT) {
  const hidden = withoutSecrets(String(text));
  let cut = Math.min(limit, hidden.length);
  for (const { marker } of secrets) {
    for (let at = hidden.indexOf(marker); at !== -1 && at < cut; at = hidden.indexOf(marker, at + 1)) cut = Math.max(cut, at + marker.length);
  }
  return hidden.slice(0, cut);
}

/**
 * The sentence every adapter tells a failure the provider reported with: what it reported,
 * while doing what, its own words when it sent any (`said`, quoted already), and "retrying
 * may work" only when `code` is transient.
 */
export function providerReported(code, said, { what = 'an error', doing = 'streaming' } = {}) {
  const retry = ERROR_TABLE[code][1] ? '; retrying may work' : '';
  return `the provider reported ${what} while ${doing} the answer${said ? ` (${said})` : ''}${retry}`;
}

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
    const body = { code: this.code, message: withoutSecrets(this.message), transient: this.transient };
    if (this.details) body.details = cleaned(this.details);
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
