/**
 * Values for a plugin's `/initialize`, as `test` and `dev` resolve them. Precedence, high
 * to low: overrides (e.g. the mock upstream's URL) > `--config FILE` > env
 * `LOOM_CONFIG_<NAME>` > the field's default > a generated test value (only with
 * `generate: true`). Values of sensitive fields are collected for masking.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LoomPluginError } from '../errors.js';
import type { ConfigField, Manifest } from '../manifest/types.js';
import { configEnvName } from '../protocol.js';
import { closestName } from './did-you-mean.js';
import { coerceValue, generateValue, looksSecret, type ConfigValue } from './config-values.js';

export { maskSecrets, MASK } from './mask-secrets.js';

export type ConfigSource = 'file' | 'env' | 'default' | 'generated' | 'override';

export interface ResolvedConfig {
  values: Record<string, ConfigValue>;
  sources: Record<string, ConfigSource>;
  /** Values of sensitive fields, for maskSecrets. */
  secrets: string[];
  /** Required fields with no value (only when generate is false). */
  missingRequired: string[];
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

async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LoomPluginError('E_CONFIG', `Cannot read the config file ${file} (${code ?? (error as Error).message}).`, {
      hint: 'Check the path given to --config.',
      details: { file },
    });
  }
  let data: unknown;
  try {
    if (file.toLowerCase().endsWith('.json')) {
      data = JSON.parse(text);
    } else {
      const { parse } = await import('yaml');
      data = parse(text);
    }
  } catch (error) {
    throw new LoomPluginError('E_CONFIG', `The config file ${file} is not valid ${file.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`, {
      hint: 'The file must hold one object mapping config field names to values.',
      details: { file },
    });
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new LoomPluginError('E_CONFIG', `The config file ${file} must hold an object of field names to values.`, {
      hint: 'For example: `api_key: sk-...` on its own line in YAML, or {"api_key": "sk-..."} in JSON.',
      details: { file },
    });
  }
  return data as Record<string, unknown>;
}

export async function resolveConfig(manifest: Manifest, options: ResolveConfigOptions): Promise<ResolvedConfig> {
  const fields: ConfigField[] = manifest.metadata.config_schema ?? [];
  const names = fields.map((f) => f.name);
  const values: Record<string, ConfigValue> = {};
  const sources: Record<string, ConfigSource> = {};
  const missingRequired: string[] = [];

  let fileValues: Record<string, unknown> = {};
  const file = options.configFile ? path.resolve(options.cwd ?? process.cwd(), options.configFile) : undefined;
  if (file) {
    fileValues = await readConfigFile(file);
    for (const key of Object.keys(fileValues)) {
      if (names.includes(key)) continue;
      const guess = closestName(key, names);
      throw new LoomPluginError('E_CONFIG', `The config file ${file} sets ${JSON.stringify(key)}, which is not a field of this plugin's config_schema.`, {
        hint: guess ? `Did you mean ${JSON.stringify(guess)}?` : names.length > 0 ? `Known fields: ${names.join(', ')}.` : 'This plugin declares no config fields.',
        details: { file, key, ...(guess ? { suggestion: guess } : {}) },
      });
    }
  }

  const overrides = options.overrides ?? {};
  for (const field of fields) {
    const envName = configEnvName(field.name);
    const envValue = options.env[envName];
    let chosen: { value: ConfigValue; source: ConfigSource } | undefined;
    if (overrides[field.name] !== undefined) {
      const coerced = coerceValue(field, overrides[field.name]);
      if ('error' in coerced) throw new LoomPluginError('E_CONFIG', `The value for config field ${field.name} is invalid: ${coerced.error}.`);
      chosen = { value: coerced.value, source: 'override' };
    } else if (fileValues[field.name] !== undefined && fileValues[field.name] !== null) {
      const coerced = coerceValue(field, fileValues[field.name]);
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
    if (!chosen && options.generate) chosen = { value: generateValue(field), source: 'generated' };
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
    if (value === undefined || value === '') continue;
    if (field.sensitive || looksSecret(field.name)) secrets.add(String(value));
  }
  return { values, sources, secrets: [...secrets], missingRequired };
}

/** LOOM_CONFIG_<NAME>=value for each value: how a plugin gets its config without /initialize. */
export function configToEnv(values: ResolvedConfig['values']): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) env[configEnvName(name)] = String(value);
  return env;
}
