/**
 * Values for a plugin's `/initialize`, as `test` and `dev` resolve them. Precedence, high
 * to low: overrides (e.g. the mock upstream's URL) > `--config FILE` > env
 * `LOOM_CONFIG_<NAME>` > the field's default > a generated test value (only with
 * `generate: true`). Values of sensitive fields are collected for masking.
 */
import path from 'node:path';
import { LoomPluginError } from '../errors.js';
import type { ConfigField, Manifest } from '../manifest/types.js';
import { configEnvName } from '../protocol.js';
import { closestName } from './did-you-mean.js';
import { readConfigData } from './config-file.js';
import { FILE_TIME_LIMIT_MS, PatternMatcher } from '../validate/rules/pattern-match.js';
import { coerceValue, GENERATED_LENGTH_LIMIT, generateConfigValue, isSensitiveField, type ConfigValue, type GeneratedValue } from './config-values.js';

export { maskSecrets, MASK } from './mask-secrets.js';

export type ConfigSource = 'file' | 'env' | 'default' | 'generated' | 'override';

export interface ResolvedConfig {
  values: Record<string, ConfigValue>;
  sources: Record<string, ConfigSource>;
  /** Values of sensitive fields, for maskSecrets. */
  secrets: string[];
  /** Required fields with no value (only when generate is false). */
  missingRequired: string[];
  /** Sentences for the run's notes: generated values not checked against `validation.pattern` in time, or short of a huge `min_length`. */
  notes?: string[];
}

export interface ResolveConfigOptions {
  configFile?: string;
  env: NodeJS.ProcessEnv;
  overrides?: Record<string, unknown>;
  /** Fill gaps with generated values (test: true, dev: false). */
  generate?: boolean;
  /** Base for a relative configFile (default process.cwd()). */
  cwd?: string;
}

/** A mapping named by the plugin's own provider_type: the layout dev uses for a folder of plugins. */
function isOwnSection(manifest: Manifest, key: string, value: unknown): boolean {
  return key === manifest.metadata.provider_type && typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function resolveConfig(manifest: Manifest, options: ResolveConfigOptions): Promise<ResolvedConfig> {
  const fields: ConfigField[] = manifest.metadata.config_schema ?? [];
  const names = fields.map((f) => f.name);
  // Null-prototype maps and own-property lookups: a field may be named __proto__ or constructor.
  const values: Record<string, ConfigValue> = Object.create(null) as Record<string, ConfigValue>;
  const sources: Record<string, ConfigSource> = Object.create(null) as Record<string, ConfigSource>;
  const own = (record: Record<string, unknown>, key: string): unknown => (Object.hasOwn(record, key) ? record[key] : undefined);
  const missingRequired: string[] = [];
  const notes: string[] = [];
  // One time budget for the pattern checks of all generated values, as validate has per manifest.
  const matcher = new PatternMatcher(undefined);

  let fileValues: Record<string, unknown> = {};
  const file = options.configFile ? path.resolve(options.cwd ?? process.cwd(), options.configFile) : undefined;
  if (file) {
    fileValues = await readConfigData(file, { json: file.toLowerCase().endsWith('.json') });
    for (const key of Object.keys(fileValues)) {
      if (names.includes(key)) continue;
      const guess = closestName(key, names);
      throw new LoomPluginError('E_CONFIG', `The config file ${file} sets ${JSON.stringify(key)}, which is not a field of this plugin's config_schema.`, {
        hint: isOwnSection(manifest, key, fileValues[key])
          ? `For one plugin the fields go at the top level of the file, not under "${key}:" (sections named by provider_type are for dev on a folder of plugins); move them up one level.`
          : guess ? `Did you mean ${JSON.stringify(guess)}?` : names.length > 0 ? `Known fields: ${names.join(', ')}.` : 'This plugin declares no config fields.',
        details: { file, key, ...(guess ? { suggestion: guess } : {}) },
      });
    }
  }

  const overrides = options.overrides ?? {};
  for (const field of fields) {
    const envName = configEnvName(field.name);
    const envValue = own(options.env, envName) as string | undefined;
    const overrideValue = own(overrides, field.name);
    const fileValue = own(fileValues, field.name);
    let chosen: { value: ConfigValue; source: ConfigSource } | undefined;
    if (overrideValue !== undefined) {
      const coerced = coerceValue(field, overrideValue);
      if ('error' in coerced) throw new LoomPluginError('E_CONFIG', `The value for config field ${field.name} is invalid: ${coerced.error}.`);
      chosen = { value: coerced.value, source: 'override' };
    } else if (fileValue !== undefined && fileValue !== null) {
      const coerced = coerceValue(field, fileValue);
      if ('error' in coerced) {
        throw new LoomPluginError('E_CONFIG', `In the config file ${file}, ${field.name} is invalid: ${coerced.error}.`, {
          hint: `The field is declared as type ${field.type}.`,
          details: { file, key: field.name },
        });
      }
      chosen = { value: coerced.value, source: 'file' };
    } else if (envValue !== undefined) {
      const coerced = coerceValue(field, envValue);
      if ('error' in coerced) {
        throw new LoomPluginError('E_CONFIG', `The environment variable ${envName} is invalid: ${coerced.error}.`, {
          hint: `Set ${envName} to a value of type ${field.type}, or unset it.`,
          details: { variable: envName },
        });
      }
      chosen = { value: coerced.value, source: 'env' };
    } else if (field.default !== undefined && field.default !== null) {
      const coerced = coerceValue(field, field.default);
      if ('value' in coerced) chosen = { value: coerced.value, source: 'default' };
    }
    if (!chosen && options.generate) {
      const generated = generateConfigValue(field, matcher);
      if (generated.unchecked) notes.push(uncheckedNote(field, generated.unchecked));
      if (generated.short) notes.push(shortNote(field));
      chosen = { value: generated.value, source: 'generated' };
    }
    if (chosen) {
      values[field.name] = chosen.value;
      sources[field.name] = chosen.source;
    } else if (field.required) {
      missingRequired.push(field.name);
    }
  }
  // Overrides for names outside the schema are passed through unchanged (the caller knows).
  for (const [key, value] of Object.entries(overrides)) {
    if (names.includes(key) || value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      values[key] = value;
      sources[key] = 'override';
    }
  }

  const secrets = new Set<string>();
  for (const field of fields) {
    const value = values[field.name];
    // A boolean is a switch, not a credential (`use_api_key: true`): masking `true` would
    // only rewrite every log line that says true.
    if (value === undefined || value === '' || typeof value === 'boolean') continue;
    if (isSensitiveField(field)) secrets.add(String(value));
  }
  return { values, sources, secrets: [...secrets], missingRequired, ...(notes.length > 0 ? { notes } : {}) };
}

/** Worded like validate's config/pattern-timeout; the value is not shown (the field may be a credential). */
function uncheckedNote(field: ConfigField, reason: NonNullable<GeneratedValue['unchecked']>): string {
  const set = `set the field with --config or ${configEnvName(field.name)}`;
  if (reason === 'timeout') {
    return `Matching the generated value of config field ${field.name} against validation.pattern took too long; it was not checked, so the plugin may refuse it. Simplify the pattern (nested quantifiers such as (a+)+ backtrack catastrophically), or ${set}.`;
  }
  return `The generated value of config field ${field.name} was not checked against validation.pattern: the pattern checks of this run already took ${FILE_TIME_LIMIT_MS} ms, so the plugin may refuse it. Simplify the patterns with nested quantifiers such as (a+)+, or ${set}.`;
}

/** LOOM_CONFIG_<NAME>=value for each value: how a plugin gets its config without /initialize. */
export function configToEnv(values: ResolvedConfig['values']): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) env[configEnvName(name)] = String(value);
  return env;
}

function shortNote(field: ConfigField): string {
  return `The generated value of config field ${field.name} is ${GENERATED_LENGTH_LIMIT} characters, shorter than its validation.min_length (${field.validation?.min_length}): loom-plugin generates nothing longer, so the plugin may refuse it. Lower min_length, or set the field with --config or ${configEnvName(field.name)}.`;
}
