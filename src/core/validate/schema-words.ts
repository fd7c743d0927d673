/**
 * The words of schema findings: hints for missing keys, names of formats and types,
 * and range limits said the way a person would, rather than ajv's own phrasing.
 */
/** Common spellings of the config field types, mapped to the contract's names. */
export const CONFIG_TYPE_ALIASES: Record<string, string> = {
  integer: 'int',
  number: 'float',
  double: 'float',
  decimal: 'float',
  long: 'int',
  boolean: 'bool',
  str: 'string',
  text: 'string',
  secret: 'string',
};

export const REQUIRED_HINTS: Record<string, string> = {
  type: 'Add `type: http` (the only type the Loom host loads).',
  metadata: 'Add a `metadata:` mapping with name, version, plugin_api_version and provider_type.',
  endpoint: 'http and grpc plugins need `endpoint: http://127.0.0.1:8090` (the URL the plugin listens on).',
  name: 'Add a name.',
  version: 'Add `version: 1.0.0` (semantic versioning).',
  plugin_api_version: 'Add `plugin_api_version: "1.0.0"`.',
  provider_type: 'Add `provider_type: my-provider` (a lowercase slug the host keys plugins by).',
};

export const FORMAT_WORDS: Record<string, string> = { uri: 'URL', 'date-time': 'RFC 3339 date and time', email: 'e-mail address' };
export const FORMAT_HINTS: Record<string, string> = {
  uri: 'Write a full URL, e.g. https://example.com/my-plugin.',
  'date-time': 'Write it like 2026-01-21T10:00:00Z (date, T, time and a zone).',
  email: 'Write it like you@example.com.',
};

/** "must have at least 1 character" rather than ajv's "must NOT have fewer than 1 characters". */
export function rangeWords(keyword: string, limit: unknown): string | undefined {
  const n = Number(limit);
  const items = (one: string) => `${n} ${n === 1 ? one : `${one}s`}`;
  const words: Record<string, string> = {
    minimum: `must be at least ${n}`,
    maximum: `must be at most ${n}`,
    exclusiveMinimum: `must be greater than ${n}`,
    exclusiveMaximum: `must be less than ${n}`,
    minLength: n === 1 ? 'must not be empty' : `must have at least ${items('character')}`,
    maxLength: `must have at most ${items('character')}`,
    minItems: n === 1 ? 'must not be an empty list' : `must have at least ${items('item')}`,
    maxItems: `must have at most ${items('item')}`,
    minProperties: n === 1 ? 'must not be empty' : `must have at least ${items('key')}`,
    maxProperties: `must have at most ${items('key')}`,
  };
  return Number.isFinite(n) ? words[keyword] : undefined;
}

export const RANGE_KEYWORDS = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties']);

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export function typeHint(expected: string, value: unknown): string | undefined {
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    return 'Quote it: in YAML `1.0` and `true` are a number and a boolean, `"1.0"` is a string.';
  }
  if (expected === 'boolean') return 'Write true or false, without quotes.';
  if ((expected === 'integer' || expected === 'number') && typeof value === 'string') return 'Write the number without quotes.';
  if (expected === 'integer' && typeof value === 'number') return 'Use a whole number.';
  return undefined;
}

export function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}
