/**
 * The schema findings people meet most (a timestamp without a zone, a fraction where an
 * integer belongs, a value outside an enum, a missing required field) read as sentences
 * with the fix, in `test` and in `validate`; the raw keyword stays in JSON output.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAgainstSchema } from '../../src/core/schema-registry.js';
import { schemaSentences } from '../../src/core/schema-messages.js';
import { runCli } from '../helpers/memory-io.js';

const NO_REGEX = /\[0-9\]|\^|\$"|must match (pattern|format)/;

async function sentencesFor(schema: Parameters<typeof checkAgainstSchema>[0], value: unknown): Promise<string[]> {
  const result = await checkAgainstSchema(schema, value);
  expect(result.valid).toBe(false);
  return schemaSentences(result.errors, value);
}

const health = (timestamp: string, latency: number = 3) => ({ healthy: true, message: 'ok', latency_ms: latency, timestamp });

describe('schema violations as sentences with the fix', () => {
  it('a timestamp without a zone: one sentence that says to add Z or an offset', async () => {
    const lines = await sentencesFor('health', health('2026-01-21T10:00:00.123456'));
    expect(lines).toEqual([expect.stringContaining('/timestamp is "2026-01-21T10:00:00.123456", a time without a zone; add one, e.g. "2026-01-21T10:00:00.123456Z"')]);
    expect(lines[0]).not.toMatch(NO_REGEX);
  });

  it('a timestamp that is not RFC 3339 at all: what the form is', async () => {
    const [line] = await sentencesFor('health', health('Tue, 21 Jan 2026 10:00:00 GMT'));
    expect(line).toContain('not an RFC 3339 time; write it like "2026-01-21T10:00:00Z"');
  });

  it('a fraction where an integer belongs: a whole number, with one', async () => {
    const [line] = await sentencesFor('health', health('2026-01-21T10:00:00Z', 2.5));
    expect(line).toBe('/latency_ms is 2.5, a number with a fraction; it must be an integer (a whole number), e.g. 3.');
  });

  it('a value outside an enum: the value and the allowed ones', async () => {
    const [line] = await sentencesFor('error', { code: 'rate_limited', message: 'slow down', transient: true });
    expect(line).toMatch(/^\/code is "rate_limited"; it must be one of "invalid_request", .*"rate_limit_exceeded"/);
  });

  it('a missing required field: which, and to add it', async () => {
    const lines = await sentencesFor('error', { message: 'no code', transient: false });
    expect(lines).toEqual(['The body has no "code", which is required; add it.']);
  });

  it('a number sent as a string: without quotes', async () => {
    const [line] = await sentencesFor('health', { ...health('2026-01-21T10:00:00Z'), latency_ms: '12' });
    expect(line).toBe('/latency_ms is the string "12"; write the number without quotes: 12.');
  });
});

describe('in test and validate output', () => {
  it('test: the human report has the sentence, the JSON report keeps the keywords', async () => {
    const fixture = resolve(import.meta.dirname, '../fixtures/plugins/broken/health-naive-timestamp');
    const human = await runCli(['test', fixture, '--only', 'health.schema']);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('a time without a zone; add one, e.g.');
    expect(human.stdout).not.toMatch(NO_REGEX);
    const json = await runCli(['test', fixture, '--only', 'health.schema', '--reporter', 'json']);
    const result = (JSON.parse(json.stdout) as { results: Array<{ id: string; schemaErrors?: Array<{ keyword: string; path: string }> }> }).results.find((r) => r.id === 'health.schema');
    expect(result?.schemaErrors?.map((error) => `${error.path} ${error.keyword}`)).toEqual(['/timestamp pattern', '/timestamp format']);
  }, 30_000);

  it('validate: sentences with hints; JSON output names the keyword', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loom-messages-'));
    try {
      const reference = await readFile(resolve(import.meta.dirname, '../fixtures/plugins/reference/plugin.yaml'), 'utf8');
      const manifest = reference
        .replace(/^ {2}name: .*$/m, '  name: ""')
        .replace(/^ {2}version: .*$/m, '')
        .replace(/^health_check_interval: .*$/m, 'health_check_interval: 7.5');
      await writeFile(join(dir, 'plugin.yaml'), manifest);
      const human = await runCli(['validate'], { cwd: dir });
      expect(human.stdout).toContain('health_check_interval must be an integer, not a number.');
      expect(human.stdout).toContain('hint: Use a whole number.');
      expect(human.stdout).toContain('Missing required key "metadata.version"');
      expect(human.stdout).toContain('hint: Add `version: 1.0.0`');
      expect(human.stdout).toContain('metadata.name must not be empty.');
      expect(human.stdout).not.toMatch(NO_REGEX);
      expect(human.stdout).not.toContain('must NOT');
      const json = await runCli(['validate', '--format', 'json'], { cwd: dir });
      const diagnostics = (JSON.parse(json.stdout) as { files: Array<{ diagnostics: Array<{ rule: string; keyword?: string }> }> }).files[0]?.diagnostics ?? [];
      expect(diagnostics.map((d) => `${d.rule} ${d.keyword ?? '-'}`).sort()).toEqual(['schema/range minLength', 'schema/required required', 'schema/type type']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
