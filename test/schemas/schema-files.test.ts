import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { SCHEMA_NAMES, SCHEMAS_DIR, getValidator, schemaFile } from '../../src/core/schema-registry.js';

const require = createRequire(import.meta.url);
// A strict ajv, separate from the registry's lenient one, so sloppy schemas are caught here.
const { default: Ajv } = require('ajv') as typeof import('ajv');
const { default: addFormats } = require('ajv-formats') as typeof import('ajv-formats');

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

describe('schema files', () => {
  it('every file in schemas/ is a known schema name, and every name has a file', () => {
    const files = readdirSync(SCHEMAS_DIR).filter((file) => file.endsWith('.schema.json'));
    expect(files.map((file) => file.replace(/\.schema\.json$/, '')).sort()).toEqual([...SCHEMA_NAMES].sort());
  });

  for (const name of SCHEMA_NAMES) {
    describe(name, () => {
      const schema = readJson(schemaFile(name));

      it('declares draft-07, its unpkg $id and a title', () => {
        expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
        expect(schema.$id).toBe(`https://unpkg.com/loom-plugin/schemas/${name}.schema.json`);
        expect(typeof schema.title).toBe('string');
        expect((schema.title as string).length).toBeGreaterThan(0);
      });

      it('is a valid draft-07 schema that compiles under ajv strict mode', () => {
        // strictRequired is off: `required` inside an if/then naming a property declared
        // by the parent schema is idiomatic draft-07 (the manifest's "endpoint for http").
        const ajv = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
        addFormats(ajv);
        expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
        expect(() => ajv.compile(schema)).not.toThrow();
      });

      it('compiles through the registry', async () => {
        expect(typeof (await getValidator(name))).toBe('function');
      });
    });
  }

  // Editors show `description`; every property of the wire schemas, at any depth, has one
  // (`if` clauses and `$ref`s excepted: they are not what an editor shows).
  const wire = SCHEMA_NAMES.filter((name) => name !== 'manifest');
  it.each(wire)('%s describes every property', (name) => {
    const schema = readJson(schemaFile(name));
    expect(typeof schema.description).toBe('string');
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (record.properties && typeof record.properties === 'object' && !path.endsWith('/if')) {
        for (const [key, property] of Object.entries(record.properties as Record<string, Record<string, unknown>>)) {
          if (typeof property.description !== 'string' && property.$ref === undefined) missing.push(`${path}/properties/${key}`);
        }
      }
      for (const [key, child] of Object.entries(record)) walk(child, `${path}/${key}`);
    };
    walk(schema, '');
    expect(missing).toEqual([]);
  });
});
