/**
 * The contract's JSON Schemas are data files in `schemas/` (shipped in the package),
 * loaded and compiled lazily, once per process per schema. `validate` uses `manifest`;
 * `test` and `dev` use the wire schemas to check every plugin answer.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { LoomPluginError } from './errors.js';
import { levenshtein } from './edit-distance.js';
import { PACKAGE_ROOT } from './package-root.js';

export const SCHEMA_NAMES = [
  'manifest',
  'metadata',
  'initialize-request',
  'health',
  'models',
  'chat-completion-request',
  'chat-completion-response',
  'chat-completion-chunk',
  'error',
] as const;
export type SchemaName = (typeof SCHEMA_NAMES)[number];

/** Folder holding `<name>.schema.json`; resolved from this file so it works from dist/ and src/. */
export const SCHEMAS_DIR = fileURLToPath(new URL('schemas/', PACKAGE_ROOT));

export function isSchemaName(name: string): name is SchemaName {
  return (SCHEMA_NAMES as readonly string[]).includes(name);
}

export function schemaFile(name: SchemaName): string {
  return `${SCHEMAS_DIR}${name}.schema.json`;
}

const rawCache = new Map<SchemaName, Record<string, unknown>>();

export function loadSchema(name: SchemaName): Record<string, unknown> {
  let schema = rawCache.get(name);
  if (!schema) {
    schema = JSON.parse(readFileSync(schemaFile(name), 'utf8')) as Record<string, unknown>;
    rawCache.set(name, schema);
  }
  return schema;
}

/** `schemas/openapi.json`: the six endpoints as an OpenAPI 3.1 document built from the schemas. */
export const OPENAPI_NAME = 'openapi';
export const OPENAPI_TITLE = 'Loom HTTP plugin protocol (OpenAPI 3.1 document of the six endpoints)';

export function openApiDocumentText(): string {
  return readFileSync(`${SCHEMAS_DIR}openapi.json`, 'utf8');
}

export function schemaText(name: string): string {
  if (!isSchemaName(name)) throw unknownSchemaError(name);
  return readFileSync(schemaFile(name), 'utf8');
}

/** The schema's `title` (what `loom-plugin schema --list` shows). */
export function schemaTitle(name: SchemaName): string {
  const title = loadSchema(name).title;
  return typeof title === 'string' ? title : '';
}


/** The known schema name closest to a mistyped one, if any is reasonably close. */
export function closestSchemaName(input: string): SchemaName | undefined {
  const wanted = input.toLowerCase().replace(/\.schema\.json$|\.json$/, '').replace(/[_\s]+/g, '-');
  // Exact after normalising (e.g. "Chat_Completion_Request.json"), then a prefix or part
  // ("chat" alone is ambiguous and gets no suggestion), then the smallest edit distance.
  const exact = SCHEMA_NAMES.find((name) => name === wanted);
  if (exact) return exact;
  const partial = SCHEMA_NAMES.filter((name) => name.startsWith(wanted) || (wanted.length >= 4 && name.includes(wanted)));
  if (partial.length === 1) return partial[0];
  let best: SchemaName | undefined;
  let bestDistance = Math.max(2, Math.floor(wanted.length / 3)) + 1;
  for (const name of SCHEMA_NAMES) {
    const distance = levenshtein(wanted, name);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return best;
}

/** E_UNKNOWN_SCHEMA (exit 2) with a did-you-mean and the list of names. */
export function unknownSchemaError(name: string): LoomPluginError {
  const suggestion = closestSchemaName(name);
  return new LoomPluginError('E_UNKNOWN_SCHEMA', `There is no schema called "${name}".`, {
    hint: `${suggestion ? `Did you mean "${suggestion}"? ` : ''}Known schemas: ${SCHEMA_NAMES.join(', ')}; "${OPENAPI_NAME}" prints the OpenAPI document.`,
    details: { name, ...(suggestion ? { suggestion } : {}), known: [...SCHEMA_NAMES] },
  });
}

/** The options every validator is compiled with, at build time and at runtime alike. */
export const AJV_OPTIONS = { allErrors: true, strict: false, allowUnionTypes: true } as const;

/**
 * Where the build writes the schemas compiled to standalone code (scripts/build-validators.mjs).
 * `dist/validators/` of the package root, resolved the same from dist/core/ and src/core/.
 */
export const COMPILED_VALIDATORS_DIR = new URL('dist/validators/', PACKAGE_ROOT);

/** Names a compiled validator after the exact schema text it came from. */
export function schemaTextHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

const requireCompiled = createRequire(import.meta.url);

/** The build's validator for this exact schema text, or undefined (no build, or schema changed since). */
function compiledValidator(name: SchemaName): ValidateFunction | undefined {
  const file = fileURLToPath(new URL(`${name}.${schemaTextHash(schemaText(name))}.cjs`, COMPILED_VALIDATORS_DIR));
  try {
    return requireCompiled(file) as ValidateFunction;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

type AjvInstance = import('ajv').Ajv;
let ajvPromise: Promise<AjvInstance> | undefined;
const validators = new Map<SchemaName, ValidateFunction>();

async function createAjv(): Promise<AjvInstance> {
  // Imported on demand: ajv is the heaviest module of a cold start.
  const [ajvModule, formatsModule] = await Promise.all([import('ajv'), import('ajv-formats')]);
  // Both are CommonJS with a `default` export; under NodeNext it sits one level down.
  const Ajv = ajvModule.default.default;
  const addFormats = formatsModule.default.default;
  const ajv = new Ajv(AJV_OPTIONS);
  addFormats(ajv);
  return ajv;
}

/** Compiles a schema at runtime: only when the build's compiled validator is missing or stale. */
export async function compileAtRuntime(name: SchemaName): Promise<ValidateFunction> {
  ajvPromise ??= createAjv();
  const ajv = await ajvPromise;
  const schema = loadSchema(name);
  const id = typeof schema.$id === 'string' ? schema.$id : undefined;
  return (id ? ajv.getSchema(id) : undefined) ?? ajv.compile(schema);
}

/**
 * The validator getValidator has already handed out, if any: a caller that checks many
 * values (validate, once per manifest) takes it without an await each time.
 */
export function loadedValidator(name: SchemaName): ValidateFunction | undefined {
  return validators.get(name);
}

/** Validator for a schema: the build's standalone code, else compiled once per process. */
export async function getValidator(name: SchemaName): Promise<ValidateFunction> {
  const cached = validators.get(name);
  if (cached) return cached;
  const validate = compiledValidator(name) ?? (await compileAtRuntime(name));
  validators.set(name, validate);
  return validate;
}

export interface SchemaCheck {
  valid: boolean;
  errors: ErrorObject[];
}

/** Validates a value against a named schema and returns the ajv errors as data. */
export async function checkAgainstSchema(name: SchemaName, value: unknown): Promise<SchemaCheck> {
  const validate = await getValidator(name);
  const valid = validate(value) as boolean;
  return { valid, errors: valid ? [] : [...(validate.errors ?? [])] };
}

/** "at /choices/0/created: must be integer" lines, for reports. */
export function formatSchemaErrors(errors: ErrorObject[], limit = 5): string[] {
  const lines = errors.slice(0, limit).map((error) => {
    const where = error.instancePath === '' ? 'the body' : error.instancePath;
    const extra =
      error.keyword === 'additionalProperties'
        ? ` ("${String((error.params as { additionalProperty?: string }).additionalProperty)}")`
        : error.keyword === 'enum'
          ? ` (${(error.params as { allowedValues?: unknown[] }).allowedValues?.map((v) => JSON.stringify(v)).join(', ')})`
          : '';
    return `${where}: ${error.message ?? 'is invalid'}${extra}`;
  });
  if (errors.length > limit) lines.push(`... and ${errors.length - limit} more`);
  return lines;
}
