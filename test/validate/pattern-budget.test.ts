/**
 * `validation.pattern` checks are bounded per file, not only per match: thousands of
 * simple patterns are all checked (one vm call for all of them), and backtracking
 * patterns share one time budget, so thirty of them no longer cost thirty timeouts.
 */
import { describe, expect, it } from 'vitest';
import { checkManifestText } from '../../src/core/validate/check-manifest.js';
import { FILE_TIME_LIMIT_MS, MATCH_TIME_LIMIT_MS, PatternMatcher, type MatchResult } from '../../src/core/validate/rules/pattern-match.js';

const HEAD = 'type: http\nendpoint: http://127.0.0.1:8090\nauto_start: true\ncommand: ./serve\nmetadata:\n  name: Patterns\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: patterns\n  config_schema:\n';
const field = (i: number, pattern: string, value: string): string =>
  `    - name: f${i}\n      type: string\n      default: "${value}"\n      validation:\n        pattern: "${pattern}"\n`;
const EVIL = { pattern: '^(a+)+$', value: `${'a'.repeat(30)}!` };

async function findings(fields: string[]): Promise<Map<string, number>> {
  const result = await checkManifestText(HEAD + fields.join(''), 'plugin.yaml');
  const counts = new Map<string, number>();
  for (const d of result.diagnostics) {
    const key = d.rule === 'config/pattern-timeout' ? `${d.rule}: ${/took too long/.test(d.message) ? 'slow' : /already took/.test(d.message) ? 'no time left' : 'other'}` : d.rule;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe('pattern checks, bounded per file', () => {
  it('checks every one of 3,000 simple patterns, and finds each default that does not match', async () => {
    const fields = Array.from({ length: 3_000 }, (_, i) => field(i, '^[a-z]+$', i % 30 === 0 ? 'ABC' : 'abc'));
    const counts = await findings(fields);
    expect(counts.get('config/default-out-of-range')).toBe(100);
    expect(counts.get('config/pattern-timeout: slow')).toBeUndefined();
    expect(counts.get('config/pattern-timeout: no time left')).toBeUndefined();
  });

  it('spends one budget on thirty backtracking patterns: a few time out, the rest are not run', async () => {
    const counts = await findings(Array.from({ length: 30 }, (_, i) => field(i, EVIL.pattern, EVIL.value)));
    const slow = counts.get('config/pattern-timeout: slow') ?? 0;
    expect(slow).toBeGreaterThanOrEqual(1);
    // Each slow one had a whole 100 ms call, and the wall-clock backstop (four budgets) ends the
    // checks: at most ten, however loaded the machine (quiet, it is two: 250 ms of CPU).
    expect(slow).toBeLessThanOrEqual(Math.floor((4 * FILE_TIME_LIMIT_MS) / MATCH_TIME_LIMIT_MS));
    expect(slow + (counts.get('config/pattern-timeout: no time left') ?? 0)).toBe(30);
  });

  it('calls a pattern slow only when it had the whole per-match limit: one cut short by the file budget was not checked', () => {
    // A file budget under the per-match limit: no call ever has the whole 100 ms, so not
    // finishing says nothing against the pattern (one needing 60 ms is fine), however
    // loaded the machine is. A simple pattern in the same file is still answered.
    const matcher = new PatternMatcher([], { matchMs: MATCH_TIME_LIMIT_MS, fileMs: 40 });
    const answers: MatchResult[] = [];
    matcher.defer(/^[a-z]+$/, 'ok', (answer) => answers.push(answer));
    matcher.defer(new RegExp(EVIL.pattern), EVIL.value, (answer) => answers.push(answer));
    matcher.run();
    expect(answers).toEqual([true, 'no-time-left']);
  });

  it('goes on after a backtracking pattern among simple ones: the defaults after it are still checked', async () => {
    const fields = [
      ...Array.from({ length: 500 }, (_, i) => field(i, '^[a-z]+$', 'abc')),
      field(500, EVIL.pattern, EVIL.value),
      ...Array.from({ length: 500 }, (_, i) => field(501 + i, '^[a-z]+$', i % 50 === 0 ? 'NOPE' : 'abc')),
    ];
    const counts = await findings(fields);
    expect(counts.get('config/pattern-timeout: slow')).toBe(1);
    expect(counts.get('config/pattern-timeout: no time left')).toBeUndefined();
    expect(counts.get('config/default-out-of-range')).toBe(10);
  });

  it('reports defaults in field order, so past the per-rule cap the listed ones are the first ones', async () => {
    // Fields 0-99 break their pattern, 100-149 their min_length: the pattern answers come
    // after every field was looked at, and must not jump the queue.
    const fields = Array.from({ length: 150 }, (_, i) => (i < 100 ? field(i, '^[a-z]+$', 'ABC') : `    - name: f${i}\n      type: string\n      default: a\n      validation:\n        min_length: 3\n`));
    const result = await checkManifestText(HEAD + fields.join(''), 'plugin.yaml');
    const listed = result.diagnostics.filter((d) => d.rule === 'config/default-out-of-range' && !/not listed/.test(d.message));
    expect(listed).toHaveLength(100);
    expect(listed.every((d) => /does not match validation\.pattern/.test(d.message))).toBe(true);
    const summary = result.diagnostics.find((d) => /50 more config\/default-out-of-range findings/.test(d.message));
    // It points at the first omitted one: field 100's default (ten head lines, five per field).
    expect(summary?.line).toBe(10 + 5 * 100 + 3);
  });

  // The matcher itself with a file budget no loaded machine can spend on simple patterns:
  // what is decided must not depend on how busy the machine is.
  it('answers every pair but one backtracking one, whatever came before and after it', () => {
    const matcher = new PatternMatcher([], { matchMs: MATCH_TIME_LIMIT_MS, fileMs: 20_000 });
    const answers: MatchResult[] = [];
    const simple = (i: number): [RegExp, string] => [/^[a-z]+$/, i % 7 === 0 ? 'NO' : 'yes'];
    const pairs: Array<[RegExp, string]> = [...Array.from({ length: 300 }, (_, i) => simple(i)), [new RegExp(EVIL.pattern), EVIL.value], ...Array.from({ length: 300 }, (_, i) => simple(i))];
    pairs.forEach(([regexp, subject], i) => matcher.defer(regexp, subject, (answer) => (answers[i] = answer)));
    matcher.run();
    expect(answers[300]).toBe('timeout');
    const others = answers.filter((_, i) => i !== 300);
    expect(others).toEqual(pairs.filter((_, i) => i !== 300).map(([regexp, subject]) => regexp.test(subject)));
  });
});
