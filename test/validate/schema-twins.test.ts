/**
 * schema-findings.ts indexes only the places a branch error reaches, because in this
 * schema a twin (same rule, place and words) needs one keyword checked twice at one
 * place, and the second check's schemaPath names a branch (allOf, then, ...). That holds
 * only while the schema keeps away from what would give twins without a branch in the
 * path; these tests fail when it does not, so the premise is revisited with the schema.
 */
import { describe, expect, it } from 'vitest';
import { loadSchema } from '../../src/core/schema-registry.js';
import { RANGE_KEYWORDS } from '../../src/core/validate/schema-words.js';

const BRANCHES = new Set(['allOf', 'anyOf', 'oneOf', 'if', 'then', 'else', 'not', 'dependencies', 'dependentSchemas']);

interface Visit {
  node: Record<string, unknown>;
  /** Keywords from the root, e.g. ['properties', 'metadata', 'properties', 'version']. */
  path: string[];
  inBranch: boolean;
}

/** Every subschema of `schema` with its keyword path and whether a branch keyword leads to it. */
function subschemas(schema: unknown, path: string[] = [], inBranch = false, out: Visit[] = []): Visit[] {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return out;
  const node = schema as Record<string, unknown>;
  out.push({ node, path, inBranch });
  for (const [key, child] of Object.entries(node)) {
    const branch = inBranch || BRANCHES.has(key);
    const children = Array.isArray(child) ? child.map((item, i) => [String(i), item] as const) : ['properties', 'definitions', 'patternProperties', 'dependencies'].includes(key) && child && typeof child === 'object' ? Object.entries(child) : [['', child] as const];
    for (const [name, sub] of children) subschemas(sub, name === '' ? [...path, key] : [...path, key, name], branch, out);
  }
  return out;
}

/** Properties whose findings have the same words for any of the listed keywords (schema-drafts.ts). */
const WORDS_IGNORE_KEYWORD: Record<string, readonly string[]> = {
  'properties/metadata/properties/version': ['pattern', 'format'],
  'properties/metadata/properties/plugin_api_version': ['pattern', 'format'],
  'properties/metadata/properties/provider_type': ['pattern', 'format'],
  'properties/health_check_interval': [...RANGE_KEYWORDS],
};

describe('manifest schema: twins need a branch in their schemaPath', () => {
  const all = subschemas(loadSchema('manifest'));

  it('has no $ref under a branch: ajv names a $ref target\'s errors by the target\'s path, which drops the branch', () => {
    const refs = all.filter((visit) => typeof visit.node.$ref === 'string');
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((visit) => visit.inBranch).map((visit) => visit.path.join('/'))).toEqual([]);
  });

  it('refers to each definition once: two $refs to one target can check one place twice', () => {
    const targets = all.map((visit) => visit.node.$ref).filter((ref) => typeof ref === 'string');
    expect(targets.filter((ref, i) => targets.indexOf(ref) !== i)).toEqual([]);
  });

  it('has no patternProperties: a key matched by properties and a pattern is checked twice, outside any branch', () => {
    expect(all.filter((visit) => 'patternProperties' in visit.node).map((visit) => visit.path.join('/'))).toEqual([]);
  });

  it('has at most one keyword at each place whose finding has the same words for every keyword', () => {
    const crowded = Object.entries(WORDS_IGNORE_KEYWORD).filter(([path, keywords]) => {
      const node = all.find((visit) => visit.path.join('/') === path)?.node;
      expect(node, path).toBeDefined();
      return keywords.filter((keyword) => node !== undefined && keyword in node).length > 1;
    });
    expect(crowded.map(([path]) => path)).toEqual([]);
  });
});
