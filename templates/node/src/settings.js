// Metadata and configuration: the one place in the code that describes this plugin.
// `/metadata` answers METADATA, which must stay equal to plugin.yaml's `metadata` (the
// conformance suite compares them). CONFIG_SCHEMA drives both `/metadata` and the
// validation in `/initialize`, so a field added here is validated the way it is declared.
import { PluginError } from './errors.js';

export const CONFIG_SCHEMA = [
  {
    name: 'api_key',
    type: 'string',
    required: true,
    sensitive: true,
    description: 'API key sent to the upstream provider as a Bearer token',
  },
  {
    name: 'endpoint',
    type: 'string',
    required: true,
    description: 'Base URL of the OpenAI-compatible upstream, e.g. https://api.openai.com/v1',
    validation: { pattern: '^https?://' },
  },
  {
    name: 'timeout',
    type: 'int',
    required: false,
    default: 30,
    description: 'Upstream request timeout in seconds',
    validation: { min: 1, max: 300 },
  },
];

export const METADATA = {
  name: {{name|json}},
  version: {{version|json}},
  plugin_api_version: '1.0.0',
  provider_type: {{provider_type|json}},
  description: {{description|json}},
  author: {{author|json}},
  license: {{license|json}},
  capabilities: {
    streaming: {{streaming}},
    function_calling: {{function_calling}},
    vision: {{vision}},
    embeddings: false,
    fine_tuning: false,
  },
  config_schema: CONFIG_SCHEMA,
};

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
 * @returns {{api_key: string, endpoint: string, timeout: number}}
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
