/**
 * Config values for each hosted plugin: --config FILE, LOOM_CONFIG_<NAME>, defaults
 * (never generated: dev talks to real providers), the mock upstream when asked, and
 * answers the developer typed in. With several plugins, a --config file may hold one
 * section per provider_type; a flat file is used as is for a single plugin.
 */
import { resolve } from 'node:path';
import type { Manifest } from '../manifest/types.js';
import { resolveConfig, type ResolvedConfig } from '../runtime/config.js';
import { readConfigData } from '../runtime/config-file.js';

export interface UpstreamInfo {
  url: string;
  apiKey: string;
}

export interface DevConfigInput {
  manifest: Manifest;
  cwd: string;
  env: NodeJS.ProcessEnv;
  configFile: string | undefined;
  /** True when several plugins are hosted: the file is looked up by provider_type. */
  sectioned: boolean;
  upstream: UpstreamInfo | undefined;
  upstreamField: string;
  answers: Record<string, unknown>;
}

/** A field that takes the mock upstream's key: `api_key`, or a sensitive *key / *token field. */
export function apiKeyField(manifest: Manifest): string | undefined {
  const fields = manifest.metadata.config_schema ?? [];
  return (
    fields.find((field) => field.name === 'api_key')?.name ??
    fields.find((field) => field.sensitive && /(key|token)$/i.test(field.name))?.name
  );
}

async function sectionOf(file: string, providerType: string): Promise<Record<string, unknown> | undefined> {
  const data = await readConfigData(file, { json: file.toLowerCase().endsWith('.json') });
  const section = Object.hasOwn(data, providerType) ? data[providerType] : undefined;
  return typeof section === 'object' && section !== null && !Array.isArray(section) ? (section as Record<string, unknown>) : undefined;
}

export async function resolveDevConfig(input: DevConfigInput): Promise<ResolvedConfig> {
  const fieldNames = new Set((input.manifest.metadata.config_schema ?? []).map((field) => field.name));
  // Null prototype: assigning a section's `__proto__` key must set a field, not the prototype.
  const overrides = Object.create(null) as Record<string, unknown>;
  let configFile = input.configFile ? resolve(input.cwd, input.configFile) : undefined;
  if (configFile && input.sectioned) {
    Object.assign(overrides, (await sectionOf(configFile, input.manifest.metadata.provider_type)) ?? {});
    configFile = undefined;
  }
  if (input.upstream) {
    if (fieldNames.has(input.upstreamField)) overrides[input.upstreamField] = input.upstream.url;
    const keyField = apiKeyField(input.manifest);
    if (keyField) overrides[keyField] = input.upstream.apiKey;
  }
  Object.assign(overrides, input.answers);
  // Keys the schema does not know stay out: the plugin would not expect them.
  for (const key of Object.keys(overrides)) if (!fieldNames.has(key)) delete overrides[key];
  return resolveConfig(input.manifest, { configFile, env: input.env, overrides, generate: false });
}
