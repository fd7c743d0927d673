// Metadata and configuration, read from the manifest: the code never repeats them.
// `/metadata` answers METADATA, which is plugin.json's `metadata`, so the two cannot
// differ. plugin.json is generated from plugin.yaml: after editing plugin.yaml, run
// `npx loom-plugin sync` (`loom-plugin dev` does it on save). CONFIG_SCHEMA drives the
// validation in `/initialize`, so a field added to the manifest is validated the way it
// is declared.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PluginError } from './errors.js';

const MANIFEST = new URL('../plugin.json', import.meta.url);

function loadMetadata() {
  try {
    return JSON.parse(readFileSync(MANIFEST, 'utf8')).metadata;
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
    console.error(`${fileURLToPath(MANIFEST)} is missing: run \`npx loom-plugin sync\` to write it from plugin.yaml`);
    process.exit(1);
  }
}

export const METADATA = loadMetadata();
export const CONFIG_SCHEMA = METADATA.config_schema ?? [];

/** Where a value comes from when /initialize leaves it out (the Loom host sends `{}`). */
export function envName(field) {
  return `LOOM_CONFIG_${field.toUpperCase()}`;
}

const invalid = (message) => new PluginError('invalid_request', message);

function fromEnv(field, raw) {
  // Environment values are text: convert them to the declared type.
  const text = raw.trim();
  if (field.type === 'int' && /^[+-]?\d+$/.test(text)) return Number(text);
  if (field.type === 'float' && text !== '' && Number.isFinite(Number(text))) return Number(text);
  if (field.type === 'bool' && /^(true|1|yes)$/i.test(text)) return true;
  if (field.type === 'bool' && /^(false|0|no)$/i.test(text)) return false;
  if (field.type === 'string') return raw;
  throw invalid(`${envName(field.name)} must be of type ${field.type}`);
}

function checkType(field, value) {
  const ok = {
    string: typeof value === 'string',
    int: Number.isInteger(value),
    float: typeof value === 'number' && Number.isFinite(value),
    bool: typeof value === 'boolean',
  }[field.type] ?? true;
  if (!ok) throw invalid(`config field ${field.name} must be of type ${field.type}`);
  return value;
}

function checkRules(field, value) {
  const rules = field.validation ?? {};
  if (field.required && value === '') throw invalid(`config field ${field.name} must not be empty`);
  if (rules.min !== undefined && value < rules.min) throw invalid(`config field ${field.name} must be at least ${rules.min}`);
  if (rules.max !== undefined && value > rules.max) throw invalid(`config field ${field.name} must be at most ${rules.max}`);
  if (rules.pattern !== undefined && typeof value === 'string' && !new RegExp(rules.pattern).test(value)) {
    throw invalid(`config field ${field.name} must match ${rules.pattern}`);
  }
}

/**
 * Validates an /initialize body. A field missing from it falls back to the
 * LOOM_CONFIG_<NAME> environment variable, then to its default.
 * @returns {Record<string, unknown>} field name -> value, exactly the manifest's fields (the
 *   upstream adapter reads the ones its provider needs)
 */
export function resolveConfig(body, env = process.env) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('the /initialize body must be a JSON object');
  }
  const values = {};
  for (const field of CONFIG_SCHEMA) {
    let value;
    if (Object.hasOwn(body, field.name)) value = checkType(field, body[field.name]);
    else if (env[envName(field.name)] !== undefined) value = fromEnv(field, env[envName(field.name)]);
    else if (field.default !== undefined) value = field.default;
    else if (field.required) throw invalid(`config field ${field.name} is required (or set ${envName(field.name)})`);
    else continue;
    checkRules(field, value);
    values[field.name] = value;
  }
  return values;
}

/**
 * The config's secrets, field name -> value: api_key and every field the manifest marks
 * `sensitive: true` (error answers hide them, see errors.js).
 */
export function secretsOf(config) {
  const secret = CONFIG_SCHEMA.filter((field) => field.sensitive === true || field.name === 'api_key');
  return Object.fromEntries(secret.filter((field) => config[field.name] !== undefined).map((field) => [field.name, config[field.name]]));
}
