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

/** What a finding needs before its words: enough to count it and to locate it. */
interface Draft {
  rule: string;
  path: DataPath;
  at?: 'key' | 'value';
  keyword: string;
  /** The words, built only for a finding that is listed (or compared with a twin). */
  describe(): Words;
}

type Words = Pick<Finding, 'message' | 'hint' | 'fix'>;

/** Where schema findings go: listed in full, or, past the per-rule cap, only counted. */
export interface FindingSink {
  /** False once `rule` has as many findings as a file lists: the rest need no words. */
  listing(rule: string): boolean;
  atPath(finding: Finding): void;
  /** Counts a finding that is not listed; only its rule and place are used. */
  omit(place: Pick<Finding, 'rule' | 'path' | 'at'>): void;
}

/** Per-call lookups, shaped for 100k errors: most share an instance path with the error before. */
class Lookup {
  private lastPointer: string | undefined;
  private lastPath: string[] = [];
  private readonly known = new Map<string, string[]>();
  private typedPaths: Set<string> | undefined;

  constructor(
    private readonly errors: readonly ErrorObject[],
    readonly data: unknown,
    private readonly schema: Record<string, unknown>,
  ) {}

  /** A wrong type makes enum/pattern/format errors at the same place noise (built on first use). */
  typed(instancePath: string): boolean {
    this.typedPaths ??= new Set(this.errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
    return this.typedPaths.has(instancePath);
  }

  path(pointer: string): string[] {
    if (pointer !== this.lastPointer) {
      this.lastPointer = pointer;
      this.lastPath = pointerSegments(pointer);
    }
    return this.lastPath;
  }

  knownKeys(schemaPath: string): string[] {
    let keys = this.known.get(schemaPath);
    if (!keys) this.known.set(schemaPath, (keys = knownKeys(this.schema, schemaPath)));
    return keys;
  }
}

function once(build: () => Words): () => Words {
  let words: Words | undefined;
  return () => (words ??= build());
}

function unknownKeyDraft(error: ErrorObject, path: DataPath, lookup: Lookup): Draft {
  const key = String((error.params as Record<string, unknown>).additionalProperty);
  return {
    rule: 'manifest/unknown-key',
    path: [...path, key],
    at: 'key',
    keyword: error.keyword,
    describe: once(() => {
      const known = lookup.knownKeys(error.schemaPath);
      const suggestion = didYouMean(key, known);
      const inCapabilities = path[path.length - 1] === 'capabilities';
      return {
        message: `Unknown key "${key}" ${path.length === 0 ? 'at' : 'in'} ${humanPath(path)}${suggestion ? `; did you mean "${suggestion}"?` : '.'}`,
        hint: suggestion
          ? `Rename it to "${suggestion}"; the host ignores keys it does not know.`
          : inCapabilities
            ? 'Put provider-specific flags under metadata.custom_capabilities.'
            : `Known keys here: ${known.join(', ')}. The host ignores other keys.`,
        ...(suggestion ? { fix: { kind: 'rename-key' as const, path: [...path, key], to: suggestion } } : {}),
      };
    }),
  };
}

function requiredDraft(error: ErrorObject, path: DataPath): Draft {
  const key = String((error.params as Record<string, unknown>).missingProperty);
  return {
    rule: 'schema/required',
    path,
    at: path.length > 0 ? 'key' : 'value',
    keyword: error.keyword,
    describe: once(() => {
      const configField = path[path.length - 2] === 'config_schema';
      return {
        message: `Missing required key "${humanPath([...path, key])}"${key === 'endpoint' ? ' (http and grpc plugins need one)' : ''}.`,
        hint: configField ? (key === 'type' ? 'Add `type: string` (or int, float, bool).' : 'Add `name: my_field`.') : REQUIRED_HINTS[key] ?? `Add ${key}.`,
      };
    }),
  };
}

function typeDraft(error: ErrorObject, path: DataPath, lookup: Lookup): Draft {
  const expected = String((error.params as Record<string, unknown>).type);
  const value = valueAt(lookup.data, path);
  if (path[0] === 'env' && path.length === 2 && (typeof value === 'number' || typeof value === 'boolean')) {
    // Never echo env values: they may be secrets.
    return {
      rule: 'env/unquoted-value',
      path,
      keyword: error.keyword,
      describe: once(() => ({
        message: `env.${String(path[1])} is a bare ${typeof value}; environment values are strings.`,
        hint: `Quote it: ${String(path[1])}: "..." (YAML readers disagree on how to turn numbers into strings).`,
      })),
    };
  }
  return {
    rule: 'schema/type',
    path,
    keyword: error.keyword,
    describe: once(() => {
      const wanted = article(expected === 'object' ? 'mapping' : expected === 'array' ? 'list' : expected);
      return { message: `${humanPath(path)} must be ${wanted}, not ${article(jsonType(value))}.`, hint: typeHint(expected, value) ?? `Use ${wanted} here.` };
    }),
  };
}

function enumDraft(error: ErrorObject, path: DataPath, lookup: Lookup): Draft {
  const allowed = ((error.params as Record<string, unknown>).allowedValues as unknown[]).map(String);
  const value = (): unknown => valueAt(lookup.data, path);
  if (path[path.length - 1] === 'type' && path[path.length - 3] === 'config_schema') {
    return {
      rule: 'config/unknown-type',
      path,
      keyword: error.keyword,
      describe: once(() => {
        const given = String(value());
        const alias = CONFIG_TYPE_ALIASES[given.toLowerCase()] ?? didYouMean(given, CONFIG_FIELD_TYPES);
        return { message: `Unknown config field type "${given}"${alias ? `; did you mean "${alias}"?` : '.'}`, hint: `Config field types are ${CONFIG_FIELD_TYPES.join(', ')}.` };
      }),
    };
  }
  return {
    rule: 'schema/enum',
    path,
    keyword: error.keyword,
    describe: once(() => {
      const given = value();
      const suggestion = typeof given === 'string' ? didYouMean(given, allowed) : undefined;
      return {
        message: `${humanPath(path)} must be one of ${allowed.join(', ')}${suggestion ? `; did you mean "${suggestion}"?` : '.'}`,
        hint: path.length === 1 && path[0] === 'type' ? 'Use `type: http`: the Loom host loads only http plugins.' : `Use one of ${allowed.join(', ')}.`,
      };
    }),
  };
}

function patternDraft(error: ErrorObject, path: DataPath, lookup: Lookup): Draft | undefined {
  if (path.length === 1 && path[0] === 'endpoint') return undefined; // the endpoint rule reports it
  const params = error.params as Record<string, unknown>;
  const joined = path.join('/');
  const draft = (rule: string, words: () => Words): Draft => ({ rule, path, keyword: error.keyword, describe: once(words) });
  const value = (): string => String(valueAt(lookup.data, path));
  if (joined === 'metadata/version') {
    return draft('metadata/version-semver', () => ({ message: `metadata.version "${value()}" is not a semantic version.`, hint: 'Use MAJOR.MINOR.PATCH, e.g. 1.2.0 (pre-release and build suffixes are allowed: 1.2.0-beta.1).' }));
  }
  if (joined === 'metadata/plugin_api_version') {
    return draft('metadata/api-version', () => ({ message: `metadata.plugin_api_version "${value()}" is not a semantic version.`, hint: 'Use "1.0.0" (quoted in YAML).' }));
  }
  if (joined === 'metadata/provider_type') {
    return draft('metadata/provider-type-slug', () => {
      const slug = toProviderTypeSlug(value());
      return {
        message: `metadata.provider_type "${value()}" is not a lowercase slug.`,
        hint: `Use lowercase letters, digits, "-" and "_" (at most 64, starting with a letter or digit)${slug && slug !== valueAt(lookup.data, path) ? `, e.g. "${slug}"` : ''}.`,
      };
    });
  }
  if (error.keyword === 'format') {
    // Values are not echoed: a manifest may hold secrets (env, sensitive defaults).
    const format = String(params.format);
    return draft('schema/invalid', () => ({ message: `${humanPath(path)} is not a valid ${FORMAT_WORDS[format] ?? format}.`, hint: FORMAT_HINTS[format] ?? 'See the key\'s description in schemas/manifest.schema.json.' }));
  }
  return draft('schema/invalid', () => ({ message: `${humanPath(path)} does not have the required form.`, hint: `It must match ${String(params.pattern)}; see the key's description in schemas/manifest.schema.json.` }));
}

function otherDraft(error: ErrorObject, path: DataPath): Draft {
  const params = error.params as Record<string, unknown>;
  const hint = 'See the key\'s description in schemas/manifest.schema.json.';
  if (RANGE_KEYWORDS.has(error.keyword)) {
    return {
      rule: 'schema/range',
      path,
      keyword: error.keyword,
      describe: once(() =>
        path.join('/') === 'health_check_interval'
          ? { message: 'health_check_interval must be a positive integer (seconds).', hint: 'Use e.g. 60.' }
          : { message: `${humanPath(path)} ${rangeWords(error.keyword, params.limit) ?? error.message ?? 'is out of range'}.`, hint },
      ),
    };
  }
  return { rule: 'schema/invalid', path, keyword: error.keyword, describe: once(() => ({ message: `${humanPath(path)} ${error.message ?? 'is invalid'}.`, hint })) };
}

/** Rule and place of the finding an error becomes, if any (its words come later, lazily). */
function draftFor(error: ErrorObject, lookup: Lookup): Draft | undefined {
  const path = lookup.path(error.instancePath);
  switch (error.keyword) {
    case 'if':
      return undefined; // the `then` branch's own error says what is missing
    case 'additionalProperties':
      return unknownKeyDraft(error, path, lookup);
    case 'required':
      return requiredDraft(error, path);
    case 'type':
      return typeDraft(error, path, lookup);
    case 'enum':
      return lookup.typed(error.instancePath) ? undefined : enumDraft(error, path, lookup);
    case 'pattern':
    case 'format':
      return lookup.typed(error.instancePath) ? undefined : patternDraft(error, path, lookup);
    default:
      return otherDraft(error, path);
  }
}

function complete(draft: Draft): Finding {
  const words = draft.describe();
  return {
    path: draft.path,
    ...(draft.at ? { at: draft.at } : {}),
    rule: draft.rule,
    message: words.message,
    ...(words.hint !== undefined ? { hint: words.hint } : {}),
    ...(words.fix ? { fix: words.fix } : {}),
    keyword: draft.keyword,
  };
}

/**
 * Reports each ajv error once, as its most specific finding. A file lists at most 100
 * findings of a rule; past that a finding is only counted, so its words (a did-you-mean
 * over every known key, say) are never built: 100k unknown keys cost 100 sentences.
 * Twins (same rule, place and words) count once, as before; words are compared only
 * when two findings share rule and place, which ajv's errors rarely do.
 */
export function reportSchemaFindings(errors: readonly ErrorObject[], data: unknown, schema: Record<string, unknown>, sink: FindingSink): void {
  const lookup = new Lookup(errors, data, schema);
  const seen = new Map<string, Draft[]>();
  for (const error of errors) {
    const draft = draftFor(error, lookup);
    if (!draft) continue;
    const place = `${draft.rule}|${draft.path.join('/')}`;
    const twins = seen.get(place);
    if (twins) {
      if (twins.some((twin) => twin.describe().message === draft.describe().message)) continue;
      twins.push(draft);
    } else {
      seen.set(place, [draft]);
    }
    if (sink.listing(draft.rule)) sink.atPath(complete(draft));
    else sink.omit(draft);
  }
}

/** Every schema finding, listed (no cap): for callers that want them all as data. */
export function schemaFindings(errors: readonly ErrorObject[], data: unknown, schema: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [];
  reportSchemaFindings(errors, data, schema, { listing: () => true, atPath: (finding) => findings.push(finding), omit: () => undefined });
  return findings;
}
