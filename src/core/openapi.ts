/**
 * The plugin protocol as an OpenAPI 3.1 document, built from the contract's JSON Schemas
 * so the two can never disagree. `schemas/openapi.json` is this function's output (a test
 * fails when it drifts; `npm run schemas:openapi` rewrites it) and `loom-plugin schema
 * openapi` prints that file.
 *
 * The draft-07 schemas are carried over unchanged except for what OpenAPI 3.1's dialect
 * (JSON Schema 2020-12) spells differently: `$schema`/`$id` are dropped (the document is
 * the base), and `definitions` become components of their own so `$ref`s are plain
 * `#/components/schemas/...` pointers that every code generator understands.
 */
import { ERROR_CODES, ERROR_TABLE, type PluginErrorCode } from './protocol.js';
import { loadSchema, type SchemaName } from './schema-registry.js';

type Json = Record<string, unknown>;

/** Wire schemas and their component names; the manifest is a file, not an HTTP message. */
const COMPONENTS: [SchemaName, string][] = [
  ['metadata', 'Metadata'],
  ['initialize-request', 'InitializeRequest'],
  ['health', 'Health'],
  ['models', 'Models'],
  ['chat-completion-request', 'ChatCompletionRequest'],
  ['chat-completion-response', 'ChatCompletionResponse'],
  ['chat-completion-chunk', 'ChatCompletionChunk'],
  ['error', 'Error'],
];

/** What each code means, for the response descriptions; statuses come from ERROR_TABLE. */
const ERROR_MEANING: Record<PluginErrorCode, string> = {
  invalid_request: 'The request or the configuration is not valid.',
  authentication_failed: 'The provider rejected the API key.',
  quota_exceeded: 'The account is out of credit or quota.',
  model_not_found: 'The model is not served.',
  content_filter: 'The provider refused the content.',
  rate_limit_exceeded: 'The provider rate-limited the request; retry after `Retry-After` seconds.',
  internal_error: "The plugin failed, or the provider's answer was unreadable.",
  provider_unavailable: 'The provider (or the plugin, before /initialize) is down, refused or reset the connection, or answered 5xx.',
  timeout: 'The provider did not answer within the configured timeout.',
};

/** One response per status of the error table, named after its code (and status when a code has two). */
export function errorRows(): { status: string; code: PluginErrorCode; transient: boolean; name: string }[] {
  return ERROR_CODES.flatMap((code) => {
    const { statuses, transient } = ERROR_TABLE[code];
    return statuses.map((status) => ({
      status: String(status),
      code,
      transient,
      name: `${code.split('_').map(pascal).join('')}${statuses.length > 1 ? status : ''}`,
    }));
  });
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Deep copy with `#/definitions/x` refs pointed at the hoisted component. */
function rewriteRefs(value: unknown, component: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, component));
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value as Json)) {
    out[key] = key === '$ref' && typeof child === 'string' && child.startsWith('#/definitions/')
      ? `#/components/schemas/${component}${pascal(child.slice('#/definitions/'.length))}`
      : rewriteRefs(child, component);
  }
  return out;
}

/** The components/schemas of the wire messages, definitions hoisted next to them. */
function componentSchemas(): Json {
  const schemas: Json = {};
  for (const [file, component] of COMPONENTS) {
    const { $schema: _dialect, $id: _id, definitions, ...schema } = loadSchema(file) as Json & { definitions?: Json };
    schemas[component] = rewriteRefs(schema, component);
    for (const [name, definition] of Object.entries(definitions ?? {})) {
      schemas[`${component}${pascal(name)}`] = rewriteRefs(definition, component);
    }
  }
  schemas.Empty = { title: 'Empty object', description: '`{}`: the success answer of /initialize and /cleanup.', type: 'object' };
  return schemas;
}

const json = (ref: string): Json => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });

function errorResponses(): Json {
  const responses: Json = {};
  for (const row of errorRows()) {
    // The code and transient flag are fixed by the status: a 5xx outside the table, or with
    // another code, does not match the document.
    const schema = { allOf: [{ $ref: '#/components/schemas/Error' }, { properties: { code: { const: row.code }, transient: { const: row.transient } } }] };
    responses[row.name] = {
      description: `\`${row.code}\`: ${ERROR_MEANING[row.code]}`,
      ...(row.code === 'rate_limit_exceeded' ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'string', pattern: '^[0-9]+$' } } } } : {}),
      content: { 'application/json': { schema } },
    };
  }
  return responses;
}

/** Every operation may answer with any status of the error table (the host treats them alike). */
function withErrors(success: Json): Json {
  const responses: Json = { '200': success };
  for (const row of errorRows()) responses[row.status] = { $ref: `#/components/responses/${row.name}` };
  return responses;
}

function operation(operationId: string, summary: string, success: Json, requestBody?: Json): Json {
  return { operationId, summary, ...(requestBody ? { requestBody } : {}), responses: withErrors(success) };
}

/**
 * One Server-Sent Event of a streamed answer: `data:` is a chunk, the error object when the
 * stream fails after it started, or `[DONE]` at the end. contentSchema lets tools that read
 * it (Schemathesis does) check the JSON inside each event.
 */
const SSE_EVENT: Json = {
  description: 'One event: `data: <ChatCompletionChunk JSON>` (or the Error object if the stream fails), the last one `data: [DONE]`, events separated by a blank line.',
  type: 'object',
  required: ['data'],
  properties: {
    data: {
      type: 'string',
      if: { const: '[DONE]' },
      else: {
        contentMediaType: 'application/json',
        contentSchema: { anyOf: [{ $ref: '#/components/schemas/ChatCompletionChunk' }, { $ref: '#/components/schemas/Error' }] },
      },
    },
  },
};

/** Realistic requests (the model is the protocol reference's example), for readers and fuzzers. */
const CHAT_EXAMPLES: Json = {
  simple: { summary: 'One user message', value: { model: 'acme-large', messages: [{ role: 'user', content: 'Hello!' }] } },
  streamed: { summary: 'Streamed, with a system prompt', value: { model: 'acme-large', stream: true, temperature: 0.2, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello!' }] } },
};

export function buildOpenApiDocument(): Json {
  const chatSuccess = {
    description: 'The completion, or with `"stream": true` (when the plugin declares streaming) a Server-Sent Events stream of `ChatCompletionChunk` `data:` events ending with `data: [DONE]`.',
    content: {
      ...json('ChatCompletionResponse'),
      // Before OpenAPI 3.2 (itemSchema), `schema` of an event stream describes one event.
      'text/event-stream': { schema: SSE_EVENT },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Loom HTTP plugin protocol',
      version: '1.0.0',
      summary: 'The six endpoints a Loom AI-provider plugin serves to the Loom host.',
      description: 'Generated from the JSON Schemas of the loom-plugin package (`loom-plugin schema openapi`). Success is exactly HTTP 200 with a JSON body; every other status carries the flat `Error` object with the code the error table assigns to it. The host decodes with Go\'s encoding/json: integers must be written as integers. See the protocol reference (docs/protocol.md) for the rules a schema cannot express (streaming, lifecycle, timing).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: 'http://127.0.0.1:{port}', description: "The plugin's `endpoint` from its manifest.", variables: { port: { default: '8090' } } }],
    paths: {
      '/metadata': { get: operation('getMetadata', 'Describe the plugin (must match the manifest).', { description: 'The plugin description.', content: json('Metadata') }) },
      '/initialize': {
        post: operation('initialize', 'Configure the plugin; also the second half of a reload.', { description: '`{}`: configured.', content: json('Empty') }, {
          description: 'The configuration keyed by config_schema field names. Today\'s reference host sends `{}`; missing fields come from `LOOM_CONFIG_<NAME>`. An absent body may be read as `{}`.',
          required: false,
          content: json('InitializeRequest'),
        }),
      },
      '/health': { get: operation('getHealth', 'Report whether the plugin (and its provider) works.', { description: 'The health status.', content: json('Health') }) },
      '/chat/completions': {
        post: operation('createChatCompletion', 'Answer a chat request, whole or streamed.', chatSuccess, {
          required: true,
          content: { 'application/json': { ...json('ChatCompletionRequest')['application/json'] as Json, examples: CHAT_EXAMPLES } },
        }),
      },
      '/models': { get: operation('listModels', 'List the models the plugin serves.', { description: 'A bare JSON array of models.', content: json('Models') }) },
      '/cleanup': { post: operation('cleanup', 'Release resources; the process must accept /initialize again afterwards.', { description: '`{}`: cleaned up.', content: json('Empty') }) },
    },
    components: { schemas: componentSchemas(), responses: errorResponses() },
  };
}

/** The document as written to `schemas/openapi.json` (two-space indent, final newline). */
export function openApiText(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
