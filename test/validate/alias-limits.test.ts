/**
 * Aliases that must never reach the schema, the rules or sync: an alias inside its own
 * anchor (the data would contain itself), an alias with no anchor before it, and
 * aliases that expand to far more data than the text holds. Each is one finding at the
 * alias, the same from the fast reader and the full parser.
 */
import { describe, expect, it } from 'vitest';
import { aliasExpansionProblem } from '../../src/core/manifest/alias-expansion.js';
import { MAX_ALIAS_COUNT, MAX_ALIAS_EXPANSION } from '../../src/core/manifest/parse-issue.js';
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

const CYCLE = 'syntax/alias-limit';
const CYCLE_MESSAGE = 'This alias is inside the value its anchor names: the data would contain itself.';

describe('an alias inside its own anchor', () => {
  it('is refused at the alias, in a flow sequence, a flow mapping and a block sequence', async () => {
    expect(await findings(`${HEAD}x-extra: &a [*a]\n${META}`)).toEqual([`${CYCLE} 5:14 ${CYCLE_MESSAGE}`]);
    expect(await findings(`${HEAD}x-extra: &x {a: *x}\n${META}`)).toEqual([`${CYCLE} 5:17 ${CYCLE_MESSAGE}`]);
    expect(await findings(`${HEAD}${META}  tags: &t [*t]\n`)).toEqual([`${CYCLE} 10:13 ${CYCLE_MESSAGE}`]);
    expect(await findings(`${HEAD}x-extra: &a\n  - 1\n  - [*a]\n${META}`)).toEqual([`${CYCLE} 7:6 ${CYCLE_MESSAGE}`]);
  });

  it('is no cycle when the name was anchored again inside (the alias means the inner node)', async () => {
    expect(await findings(`${HEAD}x-extra: &a [&a 1, *a]\n${META}`)).toEqual(['manifest/unknown-key 5:1 Unknown key "x-extra" at the top level.']);
  });

  it('data that contains itself, from any reader, is a finding and never reaches the schema', () => {
    const list: unknown[] = [];
    list.push(list);
    expect(aliasExpansionProblem({ a: list }, undefined)).toEqual({ kind: 'cycle', start: 0, end: 0 });
  });
});

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

describe('aliases that expand to much more data than the text holds', () => {
  /** An anchored mapping of `keys` keys, then `uses` aliases of it: each use adds `keys` values (the keys are not values). */
  const expanding = (keys: number, uses: number) =>
    `${HEAD}${META}x-base: &b\n${Array.from({ length: keys }, (_, i) => `  k${i}: 1\n`).join('')}x-uses:\n${'  - *b\n'.repeat(uses)}`;

  it('are refused at the alias that passes the limit', async () => {
    const keys = 2000;
    const passing = Math.floor(MAX_ALIAS_EXPANSION / keys) + 1;
    // HEAD and META (9 lines), `x-base: &b`, its keys, `x-uses:`, then the aliases.
    const line = 9 + 1 + keys + 1 + passing;
    expect(await findings(expanding(keys, 60))).toEqual([
      `syntax/alias-limit ${line}:5 Aliases expand too much (more than ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} values added in all).`,
    ]);
  });

  it('are not refused under the limit', async () => {
    const result = await findings(expanding(2000, Math.floor(MAX_ALIAS_EXPANSION / 2000)));
    expect(result.map((line) => line.split(' ')[0])).toEqual(['manifest/unknown-key', 'manifest/unknown-key']);
  });
});

describe('more uses of one anchor than yaml allows (100)', () => {
  const message = `Aliases expand too much (more than ${MAX_ALIAS_COUNT} uses of an anchor).`;

  it('are refused at the use yaml stops at, in block and flow form', async () => {
    // yaml counts the anchored node once and each use again: the 100th use is past 100.
    const block = `${HEAD}${META}x-a: &x 1\n${Array.from({ length: 120 }, (_, i) => `x-u${i}: *x\n`).join('')}`;
    // HEAD and META (9 lines), `x-a`, then one use a line: the 100th on line 110, after `x-u99: `.
    expect(await findings(block)).toEqual([`syntax/alias-limit 110:8 ${message}`]);
    const flow = `${HEAD}${META}x-a: &x 1\nx-l: [${Array.from({ length: 120 }, () => '*x').join(', ')}]\n`;
    // `x-l: [` then `*x, ` per use: the 100th starts at column 7 + 99 * 4.
    expect(await findings(flow)).toEqual([`syntax/alias-limit 11:${7 + 99 * 4} ${message}`]);
  });

  it('are not refused at 99 uses', async () => {
    const block = `${HEAD}${META}x-a: &x 1\n${Array.from({ length: 99 }, (_, i) => `x-u${i}: *x\n`).join('')}`;
    expect((await findings(block)).filter((line) => line.startsWith('syntax/'))).toEqual([]);
  });
});
