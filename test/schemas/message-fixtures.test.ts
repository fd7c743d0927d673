import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCHEMA_NAMES, type SchemaName } from '../../src/core/schema-registry.js';
import { checkJsonTextAgainstSchema } from '../../src/core/schema-strict-json.js';

const ROOT = fileURLToPath(new URL('../fixtures/messages/', import.meta.url));
const WIRE = SCHEMA_NAMES.filter((name) => name !== 'manifest');

function casesOf(kind: 'valid' | 'invalid', schema: SchemaName): Array<[string, string]> {
  let files: string[];
  try {
    files = readdirSync(`${ROOT}${kind}/${schema}`).filter((file) => file.endsWith('.json'));
  } catch {
    files = [];
  }
  return files.sort().map((file) => [file.replace(/\.json$/, ''), readFileSync(`${ROOT}${kind}/${schema}/${file}`, 'utf8')]);
}

/** Why each invalid fixture must fail: the error we expect, so an unrelated failure does not count. */
const expectations = JSON.parse(readFileSync(`${ROOT}invalid/expectations.json`, 'utf8')) as Record<
  string,
  { instancePath: string; keyword: string }
>;

describe('message fixtures', () => {
  for (const schema of WIRE) {
    describe(schema, () => {
      const valid = casesOf('valid', schema);
      const invalid = casesOf('invalid', schema);

      it('has valid and invalid fixtures', () => {
        expect(valid.length).toBeGreaterThan(0);
        expect(invalid.length).toBeGreaterThan(0);
      });

      it.each(valid)('accepts valid/%s', async (_name, text) => {
        const result = await checkJsonTextAgainstSchema(schema, text);
        expect(result.errors).toEqual([]);
        expect(result.valid).toBe(true);
      });

      it.each(invalid)('rejects invalid/%s for the expected reason', async (name, text) => {
        const expected = expectations[`${schema}/${name}`];
        expect(expected, `add "${schema}/${name}" to invalid/expectations.json`).toBeDefined();
        const result = await checkJsonTextAgainstSchema(schema, text);
        expect(result.valid).toBe(false);
        const match = result.errors.some(
          (error) => error.instancePath === expected?.instancePath && error.keyword === expected.keyword,
        );
        expect(match, JSON.stringify(result.errors, null, 1)).toBe(true);
      });
    });
  }

  it('every expectation names an existing fixture', () => {
    for (const key of Object.keys(expectations)) {
      const [schema, name] = key.split('/') as [SchemaName, string];
      expect(casesOf('invalid', schema).map(([n]) => n), key).toContain(name);
    }
  });
});
