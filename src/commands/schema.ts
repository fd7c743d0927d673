/**
 * `loom-plugin schema [name]`: prints one of the contract's JSON Schemas byte for byte as
 * shipped (so `loom-plugin schema > plugin.schema.json` gives editors the real file), or
 * with `--list` the names and titles; `openapi` prints the protocol's OpenAPI 3.1 document. Reads only small JSON files: no ajv, fast start.
 */
import type { SchemaOptions } from './options.js';
import type { CliIo } from '../output/io.js';
import { ExitCode } from '../core/errors.js';
import { OPENAPI_NAME, OPENAPI_TITLE, SCHEMA_NAMES, isSchemaName, openApiDocumentText, schemaText, schemaTitle, unknownSchemaError } from '../core/schema-registry.js';
import { createStyle } from '../output/style.js';

export const DEFAULT_SCHEMA = 'manifest';

export async function run(options: SchemaOptions, io: CliIo): Promise<number> {
  if (options.list) {
    const style = createStyle(io);
    const width = Math.max(...SCHEMA_NAMES.map((name) => name.length));
    for (const name of SCHEMA_NAMES) {
      io.stdout.write(`${style.bold(name.padEnd(width))}  ${schemaTitle(name)}\n`);
    }
    io.stdout.write(`${style.bold(OPENAPI_NAME.padEnd(width))}  ${OPENAPI_TITLE}\n`);
    return ExitCode.Ok;
  }
  const name = options.name ?? DEFAULT_SCHEMA;
  if (name === OPENAPI_NAME) {
    io.stdout.write(openApiDocumentText());
    return ExitCode.Ok;
  }
  if (!isSchemaName(name)) throw unknownSchemaError(name);
  io.stdout.write(schemaText(name));
  return ExitCode.Ok;
}
