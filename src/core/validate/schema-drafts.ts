/**
 * Which finding each ajv error becomes: its rule and place at once, its words only when
 * asked. Unknown keys get a did-you-mean, unquoted env values a warning rule, config
 * field types and version patterns their dedicated rules; endpoint patterns are left
 * to the endpoint rule.
 */
import type { ErrorObject } from 'ajv';
import { CONFIG_FIELD_TYPES } from '../protocol.js';
import { toProviderTypeSlug } from '../manifest/semver.js';
import { didYouMean } from './did-you-mean.js';
import { humanPath, type DataPath, type Finding } from './rule-context.js';
import { valueAt, type Lookup } from './schema-lookup.js';
import { article, CONFIG_TYPE_ALIASES, FORMAT_HINTS, FORMAT_WORDS, jsonType, RANGE_KEYWORDS, rangeWords, REQUIRED_HINTS, typeHint } from './schema-words.js';

/** What a finding needs before its words: enough to count it and to locate it. */
export interface Draft {
  rule: string;
  path: DataPath;
  at?: 'key' | 'value';
  keyword: string;
  /** The words, built only for a finding that is listed (or compared with a twin). */
  describe(): Words;
}

export type Words = Pick<Finding, 'message' | 'hint' | 'fix'>;

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

/** `env.KEY: 1`: a bare number or boolean where the host wants a string (its own rule: a warning). */
function isUnquotedEnvValue(pointer: string, lookup: Lookup): boolean {
  // path ['env', key]: the pointer has exactly two segments, the first `env`.
  if (!pointer.startsWith('/env/') || pointer.indexOf('/', 5) !== -1) return false;
  const value = lookup.value(pointer);
  return typeof value === 'number' || typeof value === 'boolean';
}

function typeDraft(error: ErrorObject, path: DataPath, lookup: Lookup, rule: string): Draft {
  const expected = String((error.params as Record<string, unknown>).type);
  if (rule === 'env/unquoted-value') {
    const value = valueAt(lookup.data, path);
    // Never echo env values: they may be secrets.
    return {
      rule,
      path,
      keyword: error.keyword,
      describe: once(() => ({
        message: `env.${String(path[1])} is a bare ${typeof value}; environment values are strings.`,
        hint: `Quote it: ${String(path[1])}: "..." (YAML readers disagree on how to turn numbers into strings; the shipped host cannot decode such a plugin.json and skips it).`,
        // Quoted exactly as written, so the string is the text the author typed (8090, 1.10).
        fix: { kind: 'quote', path: [...path] },
      })),
    };
  }
  return {
    rule,
    path,
    keyword: error.keyword,
    describe: once(() => {
      const value = valueAt(lookup.data, path);
      const wanted = article(expected === 'object' ? 'mapping' : expected === 'array' ? 'list' : expected);
      return { message: `${humanPath(path)} must be ${wanted}, not ${article(jsonType(value))}.`, hint: typeHint(expected, value) ?? `Use ${wanted} here.` };
    }),
  };
}

/** `metadata.config_schema[i].type`: a config field's type has a rule of its own. */
function isConfigFieldType(path: DataPath): boolean {
  return path[path.length - 1] === 'type' && path[path.length - 3] === 'config_schema';
}

function enumDraft(error: ErrorObject, path: DataPath, lookup: Lookup, rule: string): Draft {
  const allowed = ((error.params as Record<string, unknown>).allowedValues as unknown[]).map(String);
  const value = (): unknown => valueAt(lookup.data, path);
  if (rule === 'config/unknown-type') {
    return {
      rule,
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
    rule,
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

/** The rule of a pattern or format error at `path` (none for the endpoint: its own rule reports it). */
function patternRule(path: DataPath): string | undefined {
  if (path.length === 1 && path[0] === 'endpoint') return undefined;
  const joined = path.join('/');
  if (joined === 'metadata/version') return 'metadata/version-semver';
  if (joined === 'metadata/plugin_api_version') return 'metadata/api-version';
  if (joined === 'metadata/provider_type') return 'metadata/provider-type-slug';
  return 'schema/invalid';
}

function patternDraft(error: ErrorObject, path: DataPath, lookup: Lookup, rule: string): Draft {
  const params = error.params as Record<string, unknown>;
  const draft = (words: () => Words): Draft => ({ rule, path, keyword: error.keyword, describe: once(words) });
  const value = (): string => String(valueAt(lookup.data, path));
  if (rule === 'metadata/version-semver') {
    return draft(() => ({ message: `metadata.version "${value()}" is not a semantic version.`, hint: 'Use MAJOR.MINOR.PATCH, e.g. 1.2.0 (pre-release and build suffixes are allowed: 1.2.0-beta.1).' }));
  }
  if (rule === 'metadata/api-version') {
    return draft(() => ({ message: `metadata.plugin_api_version "${value()}" is not a semantic version.`, hint: 'Use "1.0.0" (quoted in YAML).' }));
  }
  if (rule === 'metadata/provider-type-slug') {
    return draft(() => {
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
    return draft(() => ({ message: `${humanPath(path)} is not a valid ${FORMAT_WORDS[format] ?? format}.`, hint: FORMAT_HINTS[format] ?? 'See the key\'s description in schemas/manifest.schema.json.' }));
  }
  return draft(() => ({ message: `${humanPath(path)} does not have the required form.`, hint: `It must match ${String(params.pattern)}; see the key's description in schemas/manifest.schema.json.` }));
}

function otherDraft(error: ErrorObject, path: DataPath, rule: string): Draft {
  const params = error.params as Record<string, unknown>;
  const hint = 'See the key\'s description in schemas/manifest.schema.json.';
  if (rule === 'schema/range') {
    return {
      rule,
      path,
      keyword: error.keyword,
      describe: once(() =>
        path.join('/') === 'health_check_interval'
          ? { message: 'health_check_interval must be a positive integer (seconds).', hint: 'Use e.g. 60.' }
          : { message: `${humanPath(path)} ${rangeWords(error.keyword, params.limit) ?? error.message ?? 'is out of range'}.`, hint },
      ),
    };
  }
  return { rule, path, keyword: error.keyword, describe: once(() => ({ message: `${humanPath(path)} ${error.message ?? 'is invalid'}.`, hint })) };
}

/**
 * The rule of the finding an error becomes, or undefined for none. Decided without the
 * error's path or words where it can be: past the per-rule cap, the rule is all a
 * finding needs to be counted (plus its place, to count twins once).
 */
export function ruleFor(error: ErrorObject, lookup: Lookup): string | undefined {
  switch (error.keyword) {
    case 'if':
      return undefined; // the `then` branch's own error says what is missing
    case 'additionalProperties':
      return 'manifest/unknown-key';
    case 'required':
      return 'schema/required';
    case 'type':
      return isUnquotedEnvValue(error.instancePath, lookup) ? 'env/unquoted-value' : 'schema/type';
    case 'enum':
      if (lookup.typed(error.instancePath)) return undefined;
      return isConfigFieldType(lookup.path(error.instancePath)) ? 'config/unknown-type' : 'schema/enum';
    case 'pattern':
    case 'format':
      return lookup.typed(error.instancePath) ? undefined : patternRule(lookup.path(error.instancePath));
    default:
      return RANGE_KEYWORDS.has(error.keyword) ? 'schema/range' : 'schema/invalid';
  }
}

/** The finding an error becomes, place and rule at once (its words come later, lazily). */
export function draftFor(error: ErrorObject, lookup: Lookup, rule = ruleFor(error, lookup)): Draft | undefined {
  if (rule === undefined) return undefined;
  const path = lookup.path(error.instancePath);
  switch (error.keyword) {
    case 'additionalProperties':
      return unknownKeyDraft(error, path, lookup);
    case 'required':
      return requiredDraft(error, path);
    case 'type':
      return typeDraft(error, path, lookup, rule);
    case 'enum':
      return enumDraft(error, path, lookup, rule);
    case 'pattern':
    case 'format':
      return patternDraft(error, path, lookup, rule);
    default:
      return otherDraft(error, path, rule);
  }
}
