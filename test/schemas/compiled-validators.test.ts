/**
 * The build compiles the schemas to standalone code (scripts/build-validators.mjs) so no
 * CLI start loads ajv. Those validators must say exactly what ajv's runtime compile says:
 * schema findings and wire-check messages are built from the error objects.
 */
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  COMPILED_VALIDATORS_DIR,
  SCHEMA_NAMES,
  compileAtRuntime,
  getValidator,
  schemaText,
  schemaTextHash,
  type SchemaName,
} from '../../src/core/schema-registry.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.parentPath}/${entry.name}`)
    .sort();
}

/** Every fixture document that parses, for the schema it was written against. */
function samples(name: SchemaName): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  const dirs = name === 'manifest' ? [`${FIXTURES}manifests`, `${FIXTURES}hostile`] : [`${FIXTURES}messages/valid/${name}`, `${FIXTURES}messages/invalid/${name}`];
  for (const dir of dirs.filter((d) => existsSync(d))) {
    for (const file of filesUnder(dir)) {
      if (!/\.(ya?ml|json)$/.test(file)) continue;
      try {
        const text = readFileSync(file, 'utf8');
        out.push([file.slice(FIXTURES.length), file.endsWith('.json') ? JSON.parse(text) : parse(text, { logLevel: 'silent' })]);
      } catch {
        // Broken syntax is the parser's business, not the schema's.
      }
    }
  }
  // Shapes no fixture has: wrong top-level types, empty objects.
  for (const value of [null, 1, 'x', [], {}, { metadata: {} }]) out.push([`literal ${JSON.stringify(value)}`, value]);
  return out;
}

describe('schemas compiled at build time', () => {
  it.each(SCHEMA_NAMES.map((name) => [name]))('%s: the build wrote a validator for the current schema text', (name) => {
    const file = new URL(`${name}.${schemaTextHash(schemaText(name))}.cjs`, COMPILED_VALIDATORS_DIR);
    expect(existsSync(file), 'run `npm run build` (the build compiles the schemas)').toBe(true);
  });

  it.each(SCHEMA_NAMES.map((name) => [name]))('%s: the registry serves the compiled validator, not a runtime compile', async (name) => {
    const file = fileURLToPath(new URL(`${name}.${schemaTextHash(schemaText(name))}.cjs`, COMPILED_VALIDATORS_DIR));
    expect(await getValidator(name)).toBe(createRequire(import.meta.url)(file));
  });

  it.each(SCHEMA_NAMES.map((name) => [name]))('%s: same verdict and the same error objects as ajv compiling at runtime', async (name) => {
    const compiled = await getValidator(name);
    const runtime = await compileAtRuntime(name);
    const cases = samples(name);
    expect(cases.length).toBeGreaterThan(5);
    let invalid = 0;
    for (const [label, value] of cases) {
      const a = compiled(value);
      const b = runtime(value);
      expect(a, label).toBe(b);
      if (!a) invalid += 1;
      expect(compiled.errors ?? null, label).toEqual(runtime.errors ?? null);
    }
    // The comparison means something only if errors were produced.
    expect(invalid).toBeGreaterThan(0);
  });

  it('a changed schema text names a different file, so a stale build is never used', () => {
    const text = schemaText('manifest');
    expect(schemaTextHash(`${text} `)).not.toBe(schemaTextHash(text));
  });
});
