/**
 * CRLF manifests are read as LF (check-manifest.ts): the findings must be where the full
 * parser puts them in the CRLF text itself, and a large CRLF file gets the verdict its LF
 * twin gets (before, one odd line in 16 KiB of CRLF sent the whole file to the full
 * parser, which refused it as too complex).
 */
import { describe, expect, it } from 'vitest';
import { analyzeManifestText, checkManifestText } from '../../src/core/validate/check-manifest.js';
import { contentChars, FULL_PARSE_BUDGET } from '../../src/core/manifest/yaml-budget.js';

const HEAD = 'type: http\nendpoint: http://127.0.0.1:8090\nauto_start: true\ncommand: ./run\nmetadata:\n  name: Crlf\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: crlf\n  config_schema:\n';
const fields = (count: number, odd: (i: number) => string): string =>
  Array.from({ length: count }, (_, i) => `    - name: field_${i}\n      type: string\n${odd(i)}      description: What field ${i} is for.\n`).join('');
const crlf = (text: string): string => text.replace(/\n/g, '\r\n');
const where = (d: { rule: string; line: number; column: number; endLine?: number; endColumn?: number }): string => `${d.rule}@${d.line}:${d.column}-${d.endLine}:${d.endColumn}`;

// Lines the fast reader declines, each valid YAML: a space before the colon, a float
// written `.5`, a quoted key in an item's mapping.
const ODD: Record<string, string> = {
  'space before the colon': '      sensitive : false\n',
  'a float written .5': '      default: .5\n',
  'a block scalar with an indentation indicator': '      x-note: |2-\n         kept\n',
};

describe('CRLF manifests', () => {
  for (const [name, line] of Object.entries(ODD)) {
    it(`gets its LF twin's verdict when large, with ${name} in it`, async () => {
      const lf = `${HEAD}${fields(300, (i) => (i === 150 ? line : ''))}`;
      expect(contentChars(lf)).toBeGreaterThan(FULL_PARSE_BUDGET);
      const lfFound = (await checkManifestText(lf, 'plugin.yaml')).diagnostics.map(where);
      const crlfFound = (await checkManifestText(crlf(lf), 'plugin.yaml')).diagnostics.map(where);
      expect(lfFound.some((d) => d.startsWith('syntax/too-complex'))).toBe(false);
      expect(crlfFound).toEqual(lfFound);
    });
  }

  it('puts each finding where the full parser puts it in the CRLF text, ends included', async () => {
    const texts = [
      `${HEAD}${fields(3, (i) => (i === 1 ? '      default: 12\n      sensitive: maybe\n' : ''))}`,
      `${HEAD}${fields(3, () => '')}env:\n  PORT: 8090\n  "quoted": x\n`,
      `${HEAD}${fields(2, () => '')}args: [a, b,\n  c]\nbroken: [\n`,
      `${HEAD}${fields(2, (i) => (i === 0 ? '      default: .5\n' : ''))}auto_start: maybe\n`,
    ];
    for (const lf of texts) {
      const text = crlf(lf);
      const full = (await analyzeManifestText(text, 'plugin.yaml', { fast: false, fullParseBudget: false, keepSource: true })).result.diagnostics.map(where);
      expect(full.length, lf).toBeGreaterThan(0);
      expect((await checkManifestText(text, 'plugin.yaml')).diagnostics.map(where), lf).toEqual(full);
    }
  });
});
