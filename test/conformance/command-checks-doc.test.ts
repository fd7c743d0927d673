import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/core/conformance/catalogue.js';
import { renderChecksMarkdown } from '../../src/core/conformance/catalogue-markdown.js';

const DOC = new URL('../../docs/checks.md', import.meta.url);

describe('docs/checks.md', () => {
  it('is generated from the catalogue and up to date', async () => {
    const expected = renderChecksMarkdown(CHECKS);
    if (process.env.LOOM_UPDATE_DOCS === '1') await writeFile(DOC, expected);
    const actual = await readFile(DOC, 'utf8').catch(() => '');
    expect(actual, 'docs/checks.md is out of date: run LOOM_UPDATE_DOCS=1 npx vitest run test/conformance/command-checks-doc.test.ts').toBe(expected);
  });

  it('lists every check id once, with its level', () => {
    const markdown = renderChecksMarkdown(CHECKS);
    for (const check of CHECKS) {
      const rows = markdown.split('\n').filter((line) => line.startsWith(`| \`${check.id}\` |`));
      expect(rows, check.id).toHaveLength(1);
      expect(rows[0]).toContain(check.hostRule ? `| ${check.level} (host rule) |` : `| ${check.level} |`);
      for (const id of check.requires ?? []) expect(rows[0], `${check.id} needs ${id} first`).toContain(`\`${id}\``);
    }
  });

  it('escapes pipes so a title cannot break the table', () => {
    const markdown = renderChecksMarkdown([{ id: 'x.y', title: 'a | b', endpoint: 'GET /x', level: 'required', contract: 'c' }]);
    expect(markdown).toContain('| `x.y` | required | `GET /x` |  | c |  | a \\| b |');
  });
});

describe('README.md check catalogue', () => {
  const README = new URL('../../README.md', import.meta.url);
  it('is generated from the catalogue and up to date', async () => {
    const { spliceReadmeChecks, README_CHECKS_BEGIN } = await import('../../src/core/conformance/catalogue-markdown.js');
    const current = await readFile(README, 'utf8');
    expect(current).toContain(README_CHECKS_BEGIN);
    const expected = spliceReadmeChecks(current, CHECKS);
    if (process.env.LOOM_UPDATE_DOCS === '1') await writeFile(README, expected);
    expect(current, 'README.md check table is out of date: run LOOM_UPDATE_DOCS=1 npx vitest run test/conformance/command-checks-doc.test.ts').toBe(expected);
    for (const check of CHECKS) expect(current).toContain(`| \`${check.id}\` |`);
  });
});
