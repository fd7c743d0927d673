/**
 * Costs every run pays that nobody sees: ICU's locale data is loaded on the first
 * toLocaleString / localeCompare / Intl call (5-14 ms each on these machines), and one such
 * call at module load put 10-14 ms on every `validate`. The CLI formats and sorts with
 * plain code instead; the templates (separate programs) are not covered.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { groupThousands } from '../../src/core/manifest/parse-issue.js';
import type { Diagnostic } from '../../src/core/manifest/types.js';
import { compareDiagnostics } from '../../src/core/validate/rule-context.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'templates' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The code of a file without its comments (a comment may name what it avoids). */
const codeOf = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

describe('start-up cost', () => {
  it('no source file outside the templates calls into ICU', () => {
    const offenders = sourceFiles(SRC).filter((file) => /\btoLocale\w*String\(|\blocaleCompare\(|\bIntl\./.test(codeOf(readFileSync(file, 'utf8'))));
    expect(offenders).toEqual([]);
  });

  it('groups thousands the way en-US does', () => {
    for (const n of [0, 7, 999, 1000, 16384, 65536, 100000, 1048576, 1234567890]) expect(groupThousands(n)).toBe(n.toLocaleString('en-US'));
  });
});

describe('diagnostic order', () => {
  const at = (rule: string, message: string, line = 3, column = 5): Diagnostic => ({ file: 'plugin.yaml', line, column, severity: 'error', rule, message });

  it('is line, column, then rule and message by code point, whatever the locale', () => {
    const sorted = [at('metadata/x', 'b'), at('config/x', 'b'), at('config/x', 'B'), at('config/x', 'a', 2, 9), at('config/x', 'a', 3, 1)].sort(compareDiagnostics);
    // Code point order puts "B" before "b"; a locale's collation would not.
    expect(sorted.map((d) => `${d.line}:${d.column} ${d.rule} ${d.message}`)).toEqual(['2:9 config/x a', '3:1 config/x a', '3:5 config/x B', '3:5 config/x b', '3:5 metadata/x b']);
  });
});
