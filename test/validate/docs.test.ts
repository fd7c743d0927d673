/** docs/cli-validate.md lists every rule exactly as the catalogue does. */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULE_TABLE_END, RULE_TABLE_START, ruleTableMarkdown } from '../../src/core/validate/rule-table.js';
import { RULES } from '../../src/core/validate/rule-catalogue.js';

const DOC = fileURLToPath(new URL('../../docs/cli-validate.md', import.meta.url));

describe('docs/cli-validate.md', () => {
  it('has the rule table generated from the catalogue (UPDATE_DOCS=1 rewrites it)', async () => {
    const text = await readFile(DOC, 'utf8');
    const start = text.indexOf(RULE_TABLE_START);
    const end = text.indexOf(RULE_TABLE_END);
    expect(start, 'rule table markers').toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const current = text.slice(start, end + RULE_TABLE_END.length);
    if (process.env.UPDATE_DOCS === '1' && current !== ruleTableMarkdown()) {
      await writeFile(DOC, text.slice(0, start) + ruleTableMarkdown() + text.slice(end + RULE_TABLE_END.length));
      return;
    }
    expect(current, 'run UPDATE_DOCS=1 npx vitest run test/validate/docs.test.ts').toBe(ruleTableMarkdown());
  });

  it('mentions every rule id once in the table', async () => {
    const text = await readFile(DOC, 'utf8');
    for (const rule of RULES) expect(text).toContain(`| \`${rule.id}\` | ${rule.severity} |`);
  });
});
