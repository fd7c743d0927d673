/** schemas/manifest.schema.json: well-formed, documented, and cooperating with the rules. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { getValidator, loadSchema } from '../../src/core/schema-registry.js';
import { reportSchemaFindings, schemaFindings } from '../../src/core/validate/schema-findings.js';
import type { ErrorObject } from 'ajv';
import { checkManifestText } from '../../src/core/validate/check-manifest.js';
import { CAPABILITIES, CONFIG_FIELD_TYPES } from '../../src/core/protocol.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));

function walkProperties(schema: unknown, path: string, visit: (path: string, node: Record<string, unknown>) => void): void {
  if (!schema || typeof schema !== 'object') return;
  const node = schema as Record<string, unknown>;
  for (const [key, child] of Object.entries((node.properties as Record<string, unknown> | undefined) ?? {})) {
    visit(`${path}.${key}`, child as Record<string, unknown>);
    walkProperties(child, `${path}.${key}`, visit);
  }
  for (const [key, child] of Object.entries((node.definitions as Record<string, unknown> | undefined) ?? {})) walkProperties(child, `#${key}`, visit);
  if (node.items) walkProperties(node.items, `${path}[]`, visit);
}

describe('manifest schema', () => {
  const schema = loadSchema('manifest');

  it('is draft-07 with the published $id and compiles', async () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe('https://unpkg.com/loom-plugin/schemas/manifest.schema.json');
    expect(typeof schema.title).toBe('string');
    expect(await getValidator('manifest')).toBeTypeOf('function');
  });

  it('describes every property (editors show the descriptions)', () => {
    const missing: string[] = [];
    walkProperties(schema, '', (path, node) => {
      if (typeof node.description !== 'string' || node.description.length < 5) missing.push(path);
    });
    expect(missing).toEqual([]);
  });

  it('agrees with the protocol tables', () => {
    const metadata = (schema.properties as Record<string, { properties: Record<string, { properties?: Record<string, unknown> }> }>).metadata;
    const capabilities = Object.keys(metadata?.properties.capabilities?.properties ?? {}).filter((k) => k !== 'custom_capabilities');
    expect(capabilities).toEqual([...CAPABILITIES]);
    const field = (schema.definitions as Record<string, { properties: { type: { enum: string[] } } }>).configField;
    expect(field?.properties.type.enum).toEqual([...CONFIG_FIELD_TYPES]);
  });

  it('accepts the guide example as it is, with ajv alone', async () => {
    const validate = await getValidator('manifest');
    const value = parse(await readFile(`${FIXTURES}valid/guide-complete/plugin.yaml`, 'utf8')) as unknown;
    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
  });

  it('reports an unknown key once, as a warning, not also as a schema error', async () => {
    const text = await readFile(`${FIXTURES}rules/manifest-unknown-key.yaml`, 'utf8');
    const result = await checkManifestText(text, 'plugin.yaml');
    expect(result.diagnostics.map((d) => `${d.severity} ${d.rule}`)).toEqual(['warning manifest/unknown-key']);
    expect(result.manifest).toBeDefined();
  });

  it('maps keywords it has no special rule for to schema/invalid with a hint', () => {
    const findings = schemaFindings(
      [{ keyword: 'const', instancePath: '/metadata/name', schemaPath: '#/x/const', params: { allowedValue: 'x' }, message: 'must be equal to constant' }],
      { metadata: { name: 'y' } },
      schema,
    );
    expect(findings).toEqual([{ path: ['metadata', 'name'], rule: 'schema/invalid', message: 'metadata.name must be equal to constant.', hint: expect.any(String), keyword: 'const' }]);
  });

  it('reports other YAML warnings (unknown directives) as syntax/yaml-warning', async () => {
    const text = await readFile(`${FIXTURES}valid/guide-complete/plugin.yaml`, 'utf8');
    const result = await checkManifestText(`%FOO bar\n---\n${text}`, 'plugin.yaml');
    expect(result.diagnostics.map((d) => `${d.rule} ${d.line}:${d.column}`)).toEqual(['syntax/yaml-warning 1:1']);
    expect(result.manifest).toBeDefined();
  });

  describe('findings past the per-file cap', () => {
    /** ajv-shaped unknown-key errors whose schemaPath (read only to build words) is counted. */
    /**
     * ajv's errors for unknown keys. `built()` counts the errors whose schemaPath was read
     * more than once: once is the look for a branch every error gets, again is building
     * its finding. The ones at `fromBranch` come from a branch of the schema: a twin (the
     * same keyword checked twice at one place) can only come from one.
     */
    function unknownKeyErrors(keys: string[], fromBranch: ReadonlySet<number> = new Set()): { errors: ErrorObject[]; built: () => number } {
      const reads = keys.map(() => 0);
      const errors = keys.map((key, i) => {
        const schemaPath = fromBranch.has(i) ? '#/allOf/0/then/additionalProperties' : '#/additionalProperties';
        const error = { keyword: 'additionalProperties', instancePath: '', params: { additionalProperty: key }, message: 'must NOT have additional properties' } as unknown as ErrorObject;
        Object.defineProperty(error, 'schemaPath', { get: () => ((reads[i] = (reads[i] ?? 0) + 1), schemaPath), enumerable: true });
        return error;
      });
      return { errors, built: () => reads.filter((count) => count > 1).length };
    }

    /** A sink that lists `cap` findings per rule and counts the rest, as the DiagnosticSink does. */
    function cappedSink(cap: number) {
      const listed: string[] = [];
      let omitted = 0;
      return {
        listed,
        omitted: () => omitted,
        sink: { listing: () => listed.length < cap, atPath: (finding: { message: string }) => void listed.push(finding.message), omit: () => void omitted++ },
      };
    }

    it('builds no words for findings that are only counted', () => {
      const { errors, built } = unknownKeyErrors(Array.from({ length: 1000 }, (_, i) => `kx${i}`));
      const out = cappedSink(100);
      reportSchemaFindings(errors, {}, schema, out.sink);
      expect(out.listed).toHaveLength(100);
      expect(out.listed[0]).toBe('Unknown key "kx0" at the top level.');
      expect(out.omitted()).toBe(900);
      expect(built()).toBe(100);
    });

    it('still counts a twin (same rule, place and words) once, listed or not', () => {
      const keys = Array.from({ length: 150 }, (_, i) => `kx${i}`);
      const { errors } = unknownKeyErrors([...keys, 'kx3', 'kx140'], new Set([150, 151]));
      const out = cappedSink(100);
      reportSchemaFindings(errors, {}, schema, out.sink);
      expect(out.listed).toHaveLength(100);
      expect(out.omitted()).toBe(50);
    });
  });
});

