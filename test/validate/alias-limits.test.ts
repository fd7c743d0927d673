/**
 * Aliases that must never reach the schema, the rules or sync: an alias with no anchor
 * before it is one finding at the alias, the same from the fast reader and the full parser.
 */
import { describe, expect, it } from 'vitest';
import { analyzeManifestText } from '../../src/core/validate/check-manifest.js';

const HEAD = 'type: http\nendpoint: http://127.0.0.1:8090\nauto_start: true\ncommand: x\n';
const META = 'metadata:\n  name: a\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: a\n';

/** Findings as `rule line:column message`, checked to be the same on both paths. */
async function findings(text: string): Promise<string[]> {
  const fast = await analyzeManifestText(text, 'plugin.yaml');
  const full = await analyzeManifestText(text, 'plugin.yaml', { fast: false, fullParseBudget: false });
  expect(fast.result).toEqual(full.result);
  if (fast.result.diagnostics.some((d) => d.severity === 'error')) expect(fast.result.manifest).toBeUndefined();
  return fast.result.diagnostics.map((d) => `${d.rule} ${d.line}:${d.column} ${d.message}`);
}

describe('an alias with no anchor before it', () => {
  it('is a syntax/yaml finding at the alias, naming it', async () => {
    const message = 'The alias *anc names no anchor defined above it.';
    expect(await findings(`${HEAD}metadata:\n  name: x\n  description: *anc\n`)).toEqual([`syntax/yaml 7:16 ${message}`]);
    // An anchor after the alias: yaml resolves aliases backwards only.
    expect(await findings(`${HEAD}${META}  description: *anc\nx-later: &anc y\n`)).toEqual([`syntax/yaml 10:16 ${message}`]);
  });

  it('does not quote a name that is not a short plain word', async () => {
    expect(await findings(`${HEAD}${META}  description: *${'n'.repeat(60)}\n`)).toEqual(['syntax/yaml 10:16 This alias names no anchor defined above it.']);
  });
});
