/**
 * The full YAML parser's budget: YAML only `yaml` reads costs it 1.5-10 µs per byte, so
 * past 16,384 characters of content a manifest is refused before parsing
 * (`syntax/too-complex`), where the fast reader cannot take the file. Plain YAML of any
 * size, comment lines and what the partial reparse blanks do not count.
 */
import { describe, expect, it } from 'vitest';
import { parseYamlWithPositions } from '../../src/core/manifest/parse-yaml.js';
import { contentChars, FULL_PARSE_BUDGET, PLAIN_PARSE_BUDGET } from '../../src/core/manifest/yaml-budget.js';
import { checkManifestText } from '../../src/core/validate/check-manifest.js';

const HEAD = 'type: http\nendpoint: http://127.0.0.1:8090\nauto_start: true\ncommand: ./run\nmetadata:\n  name: Odd\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: odd\n';

/** `count` lines of `line(i)` under `env:` (explicit collection keys: only the full parser reads them). */
function env(count: number, line: (i: number) => string): string {
  return `${HEAD}env:\n${Array.from({ length: count }, (_, i) => line(i)).join('')}`;
}
const complexKey = (i: number): string => `  ? [k${i}]\n  : v\n`;

async function rulesOf(text: string): Promise<Array<{ rule: string; line: number }>> {
  const result = await checkManifestText(text, 'plugin.yaml');
  return result.diagnostics.map((d) => ({ rule: d.rule, line: d.line }));
}

describe('the full parser budget', () => {
  it('counts content lines only: comments and blank lines are free', () => {
    expect(contentChars('a: 1\n# comment\n   # indented comment\n\n  \t\nb: 2')).toBe('a: 1\n'.length + 'b: 2'.length);
    expect(contentChars('a: 1\r\n\r\n# x\r\n')).toBe(6);
  });

  it('refuses a large text of YAML only the full parser reads, before parsing, where the fast reader stopped', async () => {
    const text = env(8_000, complexKey);
    expect(contentChars(text)).toBeGreaterThan(FULL_PARSE_BUDGET);
    const parsed = parseYamlWithPositions(text);
    expect(parsed.fatal).toBe(true);
    expect(parsed.issues.map((issue) => issue.rule)).toEqual(['syntax/too-complex']);
    const found = await rulesOf(text);
    // Line 11 is the first explicit key: the fast reader read the ten lines before it.
    expect(found).toEqual([{ rule: 'syntax/too-complex', line: 11 }]);
    const result = await checkManifestText(text, 'plugin.yaml');
    expect(result.diagnostics[0]?.message).toMatch(/^This manifest is too large for the kind of YAML it uses from here on: .* at most 16,384 characters of it are read, and this file has [\d,]+;/);
    expect(result.diagnostics[0]?.message).not.toMatch(/parser|fast reader/);
    expect(result.diagnostics[0]?.hint).toMatch(/`\? ` keys/);
  });

  it('tells a large manifest that starts with a YAML 1.1 directive what to change: the directive, not "write plain YAML"', async () => {
    // Valid plain YAML but for its first lines, which the fast reader declines (1.1 reads
    // `yes` otherwise): the whole file would go to the full parser. The message must not
    // call it YAML only that parser reads, and the hint must name the line's kind.
    const fields = Array.from({ length: 300 }, (_, i) => `    - name: field_${i}\n      type: string\n      description: What field ${i} is for.\n`).join('');
    const text = `%YAML 1.1\n---\n${HEAD}  config_schema:\n${fields}`;
    expect(contentChars(text)).toBeGreaterThan(FULL_PARSE_BUDGET);
    const result = await checkManifestText(text, 'plugin.yaml');
    expect(result.diagnostics.map((d) => [d.rule, d.line])).toEqual([['syntax/too-complex', 1]]);
    expect(result.diagnostics[0]?.message).not.toMatch(/only the full parser reads/);
    expect(result.diagnostics[0]?.hint).toMatch(/`%YAML 1\.1`/);
  });

  it('parses the same YAML within the budget as before (no refusal, its own findings)', async () => {
    const text = env(900, complexKey);
    expect(contentChars(text)).toBeLessThan(FULL_PARSE_BUDGET);
    expect(await rulesOf(text)).toEqual([]);
    const parsed = parseYamlWithPositions(text);
    expect(parsed.fatal).toBe(false);
    expect(Object.keys((parsed.value as { env: object }).env)).toHaveLength(900);
  });

  it('refuses a large file of syntax errors too (tabs for indentation on every line)', async () => {
    const text = env(12_000, (i) => `\tk${i}: v\n`);
    expect((await rulesOf(text)).map((f) => f.rule)).toEqual(['syntax/too-complex']);
  });

  it('never refuses plain YAML the fast reader reads, whatever its size', async () => {
    const text = env(40_000, (i) => `  K${i}: "v${i}"\n`);
    expect(contentChars(text)).toBeGreaterThan(10 * FULL_PARSE_BUDGET);
    expect(await rulesOf(text)).toEqual([]);
  });

  it('leaves a few odd lines after a large plain part to the partial reparse, within the budget', async () => {
    // Syntax error at the very end: the plain lines before it are blanked for the parser.
    const text = `${env(40_000, (i) => `  K${i}: "v${i}"\n`)}  bad: [unclosed\n`;
    expect((await rulesOf(text)).map((f) => f.rule)).toEqual(['syntax/yaml']);
  });

  it('does not count comment lines against the budget', async () => {
    const text = `${HEAD}${'# a long comment line that says nothing at all, many times over\n'.repeat(3_000)}env:\n  ? [a]\n  : v\n`;
    expect(text.length).toBeGreaterThan(FULL_PARSE_BUDGET);
    expect((await rulesOf(text)).map((f) => f.rule)).not.toContain('syntax/too-complex');
  });

  // Plain YAML that the fast reader reads whole, but whose ranges it cannot give because
  // of where a comment sits (here: indented deeper than `env:`), goes to the full parser
  // for positions as soon as it has a finding. Such a file is ordinary YAML.
  const commented = (fields: number): string =>
    `${HEAD}  config_schema:\n${Array.from({ length: fields }, (_, i) => `    - name: field_${i}\n      type: string\n      description: What field ${i} is for.\n`).join('')}env:\n  # the port the plugin listens on\n  PORT: 8090\n`;

  it('places the findings of a plain manifest over the budget that has a comment the fast reader cannot place', async () => {
    const text = commented(300);
    expect(contentChars(text)).toBeGreaterThan(FULL_PARSE_BUDGET);
    const result = await checkManifestText(text, 'plugin.yaml');
    // The warning for the unquoted port, where it is: not syntax/too-complex at 1:1.
    const portLine = text.split('\n').indexOf('  PORT: 8090') + 1;
    expect(result.diagnostics.map((d) => [d.rule, d.line, d.column])).toEqual([['env/unquoted-value', portLine, 9]]);
    expect(result.diagnostics[0]?.severity).toBe('warning');
  });

  it('refuses such a file past its own larger budget, and says what to move', async () => {
    const text = commented(2_000);
    expect(contentChars(text)).toBeGreaterThan(PLAIN_PARSE_BUDGET);
    const result = await checkManifestText(text, 'plugin.yaml');
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['syntax/too-complex']);
    expect(result.diagnostics[0]?.message).toMatch(/^This manifest is too large to point at what is wrong in it: .* at most 65,536 characters/);
    expect(result.diagnostics[0]?.hint).toMatch(/comment indented deeper/);
  });
});
