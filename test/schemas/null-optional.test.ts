// The host decodes answers with Go's encoding/json, which takes `null` for any field and
// leaves its zero value: a plugin that sends its unset optional fields as null (pydantic's
// default for Optional[...]) loads and works. So every optional field of an answer schema
// accepts null; required fields do not (a contract decision), and null does not loosen
// the type of a value that is there.
import { describe, expect, it } from 'vitest';
import { loadSchema, type SchemaName } from '../../src/core/schema-registry.js';
import { checkJsonTextAgainstSchema } from '../../src/core/schema-strict-json.js';

const ANSWERS: SchemaName[] = ['metadata', 'health', 'models', 'chat-completion-response', 'chat-completion-chunk', 'error'];
/** Required and nullable by design: the protocol itself says "a string or null" for these. */
const REQUIRED_NULLABLE = ['chat-completion-response#/choices/*/message/content', 'chat-completion-response#/choices/*/finish_reason', 'chat-completion-chunk#/choices/*/finish_reason'];

type Json = Record<string, unknown>;
interface Field { path: string; required: boolean; types: string[] | undefined }

/** Every property of a schema, with whether it is required and its type list. */
function fields(schema: Json, path = '', found: Field[] = []): Field[] {
  const required = (schema.required as string[] | undefined) ?? [];
  for (const [name, child] of Object.entries((schema.properties as Record<string, Json> | undefined) ?? {})) {
    const type = child.type as string | string[] | undefined;
    found.push({ path: `${path}/${name}`, required: required.includes(name), types: type === undefined ? undefined : [type].flat() });
    fields(child, `${path}/${name}`, found);
  }
  if (schema.items && typeof schema.items === 'object') fields(schema.items as Json, `${path}/*`, found);
  for (const [name, definition] of Object.entries((schema.definitions as Record<string, Json> | undefined) ?? {})) fields(definition, `#${name}`, found);
  return found;
}

async function verdict(name: SchemaName, value: unknown): Promise<boolean> {
  return (await checkJsonTextAgainstSchema(name, JSON.stringify(value))).valid;
}

const chat = (extra: Json = {}, usage: Json = {}, message: Json = {}): Json => ({
  id: 'c', object: 'chat.completion', created: 1706000000, model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi', ...message }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, ...usage },
  ...extra,
});

describe('null in answers', () => {
  it('every optional field of every answer schema accepts null; no required one does, but the protocol\'s own', () => {
    for (const name of ANSWERS) {
      for (const field of fields(loadSchema(name))) {
        const nullable = field.types === undefined || field.types.includes('null');
        const where = `${name}#${field.path.replace(/^\/?#/, '')}`;
        if (field.required) expect(nullable, `${where} is required`).toBe(REQUIRED_NULLABLE.includes(where));
        else expect(nullable, `${where} is optional`).toBe(true);
      }
    }
  });

  it('accepts the nulls a pydantic plugin sends for unset Optional fields', async () => {
    const model = { id: 'm', name: 'M', description: null, context_window: null, max_output_tokens: null, cost_per_mtoken: null, capabilities: null, deprecated: null, metadata: null };
    expect(await verdict('models', [model])).toBe(true);
    expect(await verdict('models', [{ id: 'm', name: 'M', capabilities: { streaming: null, custom_capabilities: null } }])).toBe(true);
    expect(await verdict('health', { healthy: true, timestamp: '2026-01-21T10:00:00Z', message: null, latency_ms: null, details: null })).toBe(true);
    expect(await verdict('chat-completion-response', chat({ plugin_specific: null }, { cost_usd: null }, { name: null, tool_calls: null, function_call: null }))).toBe(true);
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: null, content: 'hi', tool_calls: null, function_call: null }, finish_reason: null }], usage: null };
    expect(await verdict('chat-completion-chunk', chunk)).toBe(true);
    expect(await verdict('error', { code: 'timeout', message: 'slow', transient: true, details: null })).toBe(true);
    expect(await verdict('error', { code: 'timeout', message: 'slow', transient: true, details: { retry_after: null } })).toBe(true);
    const metadata = { name: 'P', version: '1.0.0', plugin_api_version: '1.0.0', provider_type: 'p', description: null, author: null, homepage: null, license: null, capabilities: null };
    expect(await verdict('metadata', { ...metadata, config_schema: [{ name: 'k', type: 'string', required: null, description: null, default: null, sensitive: null, validation: null }] })).toBe(true);
  });

  it('refuses null in a required field', async () => {
    expect(await verdict('models', [{ id: null, name: 'M' }])).toBe(false);
    expect(await verdict('models', [{ id: 'm', name: null }])).toBe(false);
    expect(await verdict('health', { healthy: null, timestamp: '2026-01-21T10:00:00Z' })).toBe(false);
    expect(await verdict('health', { healthy: true, timestamp: null })).toBe(false);
    expect(await verdict('chat-completion-response', chat({ created: null }))).toBe(false);
    expect(await verdict('chat-completion-response', chat({ usage: null }))).toBe(false);
    expect(await verdict('chat-completion-response', chat({}, { total_tokens: null }))).toBe(false);
    expect(await verdict('error', { code: 'timeout', message: 'slow', transient: null })).toBe(false);
    expect(await verdict('metadata', { name: 'P', version: '1.0.0', plugin_api_version: '1.0.0', provider_type: null })).toBe(false);
  });

  it('does not loosen the type of a value that is there', async () => {
    expect(await verdict('models', [{ id: 'm', name: 'M', context_window: '128k' }])).toBe(false);
    expect(await verdict('models', [{ id: 'm', name: 'M', context_window: 1.5 }])).toBe(false);
    expect((await checkJsonTextAgainstSchema('health', '{"healthy": true, "timestamp": "2026-01-21T10:00:00Z", "latency_ms": 5.0}')).valid).toBe(false);
    expect(await verdict('chat-completion-response', chat({}, { cost_usd: '0.1' }))).toBe(false);
    expect(await verdict('error', { code: 'timeout', message: 'slow', transient: true, details: 'later' })).toBe(false);
  });
});
