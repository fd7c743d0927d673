/**
 * ajv errors -> findings. The JSON Schema stays the single description of the shape
 * (editors use it too); this file decides how each violation is reported so that nothing
 * is reported twice: unknown keys become `manifest/unknown-key` warnings with a
 * did-you-mean, unquoted env values become warnings, config field types and version
 * patterns get their dedicated rule ids, and endpoint problems are left to the endpoint
 * rule, which can say more than "must match format uri".
 */
import type { ErrorObject } from 'ajv';
import { CONFIG_FIELD_TYPES } from '../protocol.js';
import { toProviderTypeSlug } from '../manifest/semver.js';
import { pointerSegments } from '../manifest/source-tree.js';
import { didYouMean } from './did-you-mean.js';
import { humanPath, type DataPath, type Finding } from './rule-context.js';

/** Common spellings of the config field types, mapped to the contract's names. */
const CONFIG_TYPE_ALIASES: Record<string, string> = {
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

const REQUIRED_HINTS: Record<string, string> = {
  type: 'Add `type: http` (the only type the Loom host loads).',
  metadata: 'Add a `metadata:` mapping with name, version, plugin_api_version and provider_type.',
  endpoint: 'http and grpc plugins need `endpoint: http://127.0.0.1:8090` (the URL the plugin listens on).',
  name: 'Add a name.',
  version: 'Add `version: 1.0.0` (semantic versioning).',
  plugin_api_version: 'Add `plugin_api_version: "1.0.0"`.',
  provider_type: 'Add `provider_type: my-provider` (a lowercase slug the host keys plugins by).',
};

const FORMAT_WORDS: Record<string, string> = { uri: 'URL', 'date-time': 'RFC 3339 date and time', email: 'e-mail address' };
const FORMAT_HINTS: Record<string, string> = {
  uri: 'Write a full URL, e.g. https://example.com/my-plugin.',
  'date-time': 'Write it like 2026-01-21T10:00:00Z (date, T, time and a zone).',
  email: 'Write it like you@example.com.',
};

/** "must have at least 1 character" rather than ajv's "must NOT have fewer than 1 characters". */
function rangeWords(keyword: string, limit: unknown): string | undefined {
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

const RANGE_KEYWORDS = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties']);

function valueAt(data: unknown, path: DataPath): unknown {
  let node = data;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[String(segment)];
  }
  return node;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Keys the schema allows at the object an `additionalProperties` error came from. */
function knownKeys(schema: Record<string, unknown>, schemaPath: string): string[] {
  let node: unknown = schema;
  const segments = schemaPath.replace(/^#\//, '').split('/').slice(0, -1);
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return [];
    node = (node as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  const properties = (node as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties).filter((key) => key !== '$schema') : [];
}

function typeHint(expected: string, value: unknown): string | undefined {
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    return 'Quote it: in YAML `1.0` and `true` are a number and a boolean, `"1.0"` is a string.';
  }
  if (expected === 'boolean') return 'Write true or false, without quotes.';
  if ((expected === 'integer' || expected === 'number') && typeof value === 'string') return 'Write the number without quotes.';
  if (expected === 'integer' && typeof value === 'number') return 'Use a whole number.';
  return undefined;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

export function schemaFindings(errors: readonly ErrorObject[], data: unknown, schema: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [];
  // A wrong type makes enum/pattern/format errors at the same place noise.
  const typed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const seen = new Set<string>();
  for (const error of errors) {
    const path = pointerSegments(error.instancePath);
    const joined = path.join('/');
    const value = valueAt(data, path);
    const where = humanPath(path);
    const params = error.params as Record<string, unknown>;
    let finding: Finding | undefined;
    switch (error.keyword) {
      case 'if':
        break; // the `then` branch's own error says what is missing
      case 'additionalProperties': {
        const key = String(params.additionalProperty);
        const suggestion = didYouMean(key, knownKeys(schema, error.schemaPath));
        const inCapabilities = path[path.length - 1] === 'capabilities';
        finding = {
          path: [...path, key],
          at: 'key',
          rule: 'manifest/unknown-key',
          message: `Unknown key "${key}" ${path.length === 0 ? "at" : "in"} ${where}${suggestion ? `; did you mean "${suggestion}"?` : '.'}`,
          hint: suggestion
            ? `Rename it to "${suggestion}"; the host ignores keys it does not know.`
            : inCapabilities
              ? 'Put provider-specific flags under metadata.custom_capabilities.'
              : `Known keys here: ${knownKeys(schema, error.schemaPath).join(', ')}. The host ignores other keys.`,
          ...(suggestion ? { fix: { kind: 'rename-key' as const, path: [...path, key], to: suggestion } } : {}),
        };
        break;
      }
      case 'required': {
        const key = String(params.missingProperty);
        const full = [...path, key];
        const configField = path[path.length - 2] === 'config_schema';
        finding = {
          path,
          at: path.length > 0 ? 'key' : 'value',
          rule: 'schema/required',
          message: `Missing required key "${humanPath(full)}"${key === 'endpoint' ? ' (http and grpc plugins need one)' : ''}.`,
          hint: configField ? (key === 'type' ? 'Add `type: string` (or int, float, bool).' : 'Add `name: my_field`.') : REQUIRED_HINTS[key] ?? `Add ${key}.`,
        };
        break;
      }
      case 'type': {
        const expected = String(params.type);
        if (path[0] === 'env' && path.length === 2 && (typeof value === 'number' || typeof value === 'boolean')) {
          // Never echo env values: they may be secrets.
          finding = {
            path,
            rule: 'env/unquoted-value',
            message: `env.${String(path[1])} is a bare ${typeof value}; environment values are strings.`,
            hint: `Quote it: ${String(path[1])}: "..." (YAML readers disagree on how to turn numbers into strings).`,
          };
          break;
        }
        const hint = typeHint(expected, value);
        finding = {
          path,
          rule: 'schema/type',
          message: `${where} must be ${article(expected === 'object' ? 'mapping' : expected === 'array' ? 'list' : expected)}, not ${article(jsonType(value))}.`,
          hint: hint ?? `Use ${article(expected === 'object' ? 'mapping' : expected === 'array' ? 'list' : expected)} here.`,
        };
        break;
      }
      case 'enum': {
        if (typed.has(error.instancePath)) break;
        const allowed = (params.allowedValues as unknown[]).map(String);
        if (path[path.length - 1] === 'type' && path[path.length - 3] === 'config_schema') {
          const given = String(value);
          const alias = CONFIG_TYPE_ALIASES[given.toLowerCase()] ?? didYouMean(given, CONFIG_FIELD_TYPES);
          finding = {
            path,
            rule: 'config/unknown-type',
            message: `Unknown config field type "${given}"${alias ? `; did you mean "${alias}"?` : '.'}`,
            hint: `Config field types are ${CONFIG_FIELD_TYPES.join(', ')}.`,
          };
          break;
        }
        const suggestion = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
        finding = {
          path,
          rule: 'schema/enum',
          message: `${where} must be one of ${allowed.join(', ')}${suggestion ? `; did you mean "${suggestion}"?` : '.'}`,
          hint: path.length === 1 && path[0] === 'type' ? 'Use `type: http`: the Loom host loads only http plugins.' : `Use one of ${allowed.join(', ')}.`,
        };
        break;
      }
      case 'pattern':
      case 'format': {
        if (typed.has(error.instancePath)) break;
        if (path.length === 1 && path[0] === 'endpoint') break; // the endpoint rule reports it
        if (joined === 'metadata/version') {
          finding = { path, rule: 'metadata/version-semver', message: `metadata.version "${String(value)}" is not a semantic version.`, hint: 'Use MAJOR.MINOR.PATCH, e.g. 1.2.0 (pre-release and build suffixes are allowed: 1.2.0-beta.1).' };
        } else if (joined === 'metadata/plugin_api_version') {
          finding = { path, rule: 'metadata/api-version', message: `metadata.plugin_api_version "${String(value)}" is not a semantic version.`, hint: 'Use "1.0.0" (quoted in YAML).' };
        } else if (joined === 'metadata/provider_type') {
          const slug = toProviderTypeSlug(String(value));
          finding = {
            path,
            rule: 'metadata/provider-type-slug',
            message: `metadata.provider_type "${String(value)}" is not a lowercase slug.`,
            hint: `Use lowercase letters, digits, "-" and "_" (at most 64, starting with a letter or digit)${slug && slug !== value ? `, e.g. "${slug}"` : ''}.`,
          };
        } else if (error.keyword === 'format') {
          // Values are not echoed: a manifest may hold secrets (env, sensitive defaults).
          const format = String(params.format);
          finding = { path, rule: 'schema/invalid', message: `${where} is not a valid ${FORMAT_WORDS[format] ?? format}.`, hint: FORMAT_HINTS[format] ?? 'See the key\'s description in schemas/manifest.schema.json.' };
        } else {
          finding = { path, rule: 'schema/invalid', message: `${where} does not have the required form.`, hint: `It must match ${String(params.pattern)}; see the key's description in schemas/manifest.schema.json.` };
        }
        break;
      }
      default: {
        if (RANGE_KEYWORDS.has(error.keyword)) {
          if (joined === 'health_check_interval') {
            finding = { path, rule: 'schema/range', message: 'health_check_interval must be a positive integer (seconds).', hint: 'Use e.g. 60.' };
          } else {
            finding = { path, rule: 'schema/range', message: `${where} ${rangeWords(error.keyword, params.limit) ?? error.message ?? 'is out of range'}.`, hint: 'See the key\'s description in schemas/manifest.schema.json.' };
          }
        } else {
          finding = { path, rule: 'schema/invalid', message: `${where} ${error.message ?? 'is invalid'}.`, hint: 'See the key\'s description in schemas/manifest.schema.json.' };
        }
      }
    }
    if (!finding) continue;
    finding.keyword = error.keyword;
    const key = `${finding.rule}|${finding.path.join('/')}|${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  return findings;
}
