import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyExpectedFailures,
  loadExpectedFailures,
  parseExpectedFailures,
} from '../../src/core/conformance/expected-failures.js';
import { markNotRun, summarizeResults, summaryPasses } from '../../src/core/conformance/summary.js';
import type { CheckInfo, CheckResult } from '../../src/core/conformance/types.js';
import { LoomPluginError } from '../../src/core/errors.js';

const CATALOGUE: CheckInfo[] = [
  { id: 'metadata.schema', title: 'metadata valid', endpoint: 'GET /metadata', level: 'required', contract: 'wire' },
  { id: 'errors.rate-limit', title: 'rate limit', endpoint: 'POST /chat/completions', level: 'required', contract: 'errors' },
  { id: 'errors.rate-limit.status', title: 'rate limit status', endpoint: 'POST /chat/completions', level: 'recommended', contract: 'errors' },
  { id: 'streaming.done', title: 'stream ends with [DONE]', endpoint: 'POST /chat/completions', level: 'required', capability: 'streaming', contract: 'streaming' },
];

function result(id: string, status: CheckResult['status'], level: CheckResult['level'] = 'required'): CheckResult {
  const info = CATALOGUE.find((check) => check.id === id) ?? { id, title: id, endpoint: '*', contract: 'x', level };
  return { ...info, level, status, durationMs: 1, ...(status === 'fail' ? { message: 'broken' } : {}) };
}

async function usageErrorOf(promise: Promise<unknown>): Promise<LoomPluginError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(LoomPluginError);
  return error as LoomPluginError;
}

describe('parseExpectedFailures', () => {
  it('reads plain ids and {id, reason} objects, ignoring duplicates', async () => {
    const entries = await parseExpectedFailures(
      '- metadata.schema\n- id: errors.rate-limit\n  reason: SDK hides Retry-After\n- metadata.schema\n',
      'baseline.yaml',
      CATALOGUE,
    );
    expect(entries).toEqual([{ id: 'metadata.schema' }, { id: 'errors.rate-limit', reason: 'SDK hides Retry-After' }]);
  });

  it('treats an empty file as an empty baseline', async () => {
    expect(await parseExpectedFailures('', 'b.yaml', CATALOGUE)).toEqual([]);
    expect(await parseExpectedFailures('# nothing yet\n', 'b.yaml', CATALOGUE)).toEqual([]);
  });

  it('rejects an unknown id with a did-you-mean (usage error, exit 2)', async () => {
    const error = await usageErrorOf(parseExpectedFailures('- errors.rate-limt\n', 'b.yaml', CATALOGUE));
    expect(error.code).toBe('E_USAGE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('"errors.rate-limt"');
    expect(error.hint).toContain('Did you mean "errors.rate-limit"?');
  });

  it('gives no suggestion for an id far from every known one', async () => {
    const error = await usageErrorOf(parseExpectedFailures('- completely.different.thing\n', 'b.yaml', CATALOGUE));
    expect(error.hint).not.toContain('Did you mean');
    expect(error.hint).toContain('--list');
  });

  it('rejects a mapping, a non-string entry and invalid YAML', async () => {
    expect((await usageErrorOf(parseExpectedFailures('ids: [a]\n', 'b.yaml', CATALOGUE))).message).toContain('must be a YAML list');
    expect((await usageErrorOf(parseExpectedFailures('- 42\n', 'b.yaml', CATALOGUE))).message).toContain('Entry 1');
    expect((await usageErrorOf(parseExpectedFailures('- [unclosed\n', 'b.yaml', CATALOGUE))).message).toContain('not valid YAML');
  });
});

describe('loadExpectedFailures', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loom-baseline-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file relative to cwd', async () => {
    await writeFile(join(dir, 'known.yaml'), '- streaming.done\n');
    expect(await loadExpectedFailures('known.yaml', dir, CATALOGUE)).toEqual([{ id: 'streaming.done' }]);
  });

  it('a missing file is E_FILE_READ naming it', async () => {
    const error = await usageErrorOf(loadExpectedFailures('nope.yaml', dir, CATALOGUE));
    expect(error.code).toBe('E_FILE_READ');
    expect(error.message).toContain('nope.yaml');
    expect(error.message).toContain('does not exist');
  });
});

describe('applyExpectedFailures + summary', () => {
  it('a listed failure becomes expected-fail and the run passes', () => {
    const results = applyExpectedFailures([result('metadata.schema', 'pass'), result('errors.rate-limit', 'fail')], [{ id: 'errors.rate-limit' }], 'known.yaml');
    expect(results.map((r) => r.status)).toEqual(['pass', 'expected-fail']);
    expect(results[1]?.message).toContain('known.yaml');
    const summary = summarizeResults(results, false);
    expect(summary).toMatchObject({ passed: 1, failed: 0, expectedFailures: 1, stale: 0 });
    expect(summaryPasses(summary)).toBe(true);
  });

  it('a listed check that passes is stale, fails the run and says to remove it', () => {
    const results = applyExpectedFailures([result('metadata.schema', 'pass')], [{ id: 'metadata.schema' }], 'known.yaml');
    expect(results[0]?.status).toBe('stale');
    expect(results[0]?.message).toBe('This check passes now: remove "metadata.schema" from known.yaml.');
    const summary = summarizeResults(results, false);
    expect(summary.stale).toBe(1);
    expect(summaryPasses(summary)).toBe(false);
  });

  it('a listed check that was skipped stays skipped (neither stale nor expected)', () => {
    const results = applyExpectedFailures([result('streaming.done', 'skip')], [{ id: 'streaming.done' }]);
    expect(results[0]?.status).toBe('skip');
    expect(summaryPasses(summarizeResults(results, false))).toBe(true);
  });

  it('unlisted results are untouched', () => {
    const input = [result('metadata.schema', 'fail')];
    expect(applyExpectedFailures(input, [{ id: 'errors.rate-limit' }])).toEqual(input);
  });
});

describe('summarizeResults', () => {
  const mixed = [
    result('metadata.schema', 'pass'),
    result('errors.rate-limit.status', 'fail', 'recommended'),
    result('streaming.done', 'skip'),
  ];

  it('a failed recommended check is a warning that does not fail the run', () => {
    const summary = summarizeResults(mixed, false, 12.4);
    expect(summary).toEqual({ passed: 1, failed: 0, skipped: 1, expectedFailures: 0, stale: 0, blocked: 0, warnings: 1, durationMs: 12 });
    expect(summaryPasses(summary)).toBe(true);
  });

  it('under --strict it is a failure', () => {
    const summary = summarizeResults(mixed, true);
    expect(summary.failed).toBe(1);
    expect(summary.warnings).toBe(0);
    expect(summaryPasses(summary)).toBe(false);
  });

  it('a failed required check fails the run', () => {
    expect(summaryPasses(summarizeResults([result('metadata.schema', 'fail')], false))).toBe(false);
  });
});

describe('required checks blocked by an accepted failure', () => {
  const blocked = (id: string, by: string, level: CheckResult['level'] = 'required'): CheckResult => ({ ...result(id, 'blocked', level), blockedBy: by, message: `blocked by ${by}: fix that first` });
  const run = [result('metadata.schema', 'fail'), blocked('errors.rate-limit', 'metadata.schema'), blocked('errors.rate-limit.status', 'metadata.schema', 'recommended')];

  it('fail the run when the root cause is an expected failure: a green run never hides a required check that did not run', () => {
    const applied = applyExpectedFailures(run, [{ id: 'metadata.schema' }], 'ef.yaml');
    const summary = summarizeResults(applied, false);
    expect(summary.notRun).toBe(1);
    expect(summaryPasses(summary)).toBe(false);
    const marked = markNotRun(applied, false, 'ef.yaml');
    expect(marked.find((r) => r.id === 'errors.rate-limit')).toMatchObject({ status: 'blocked', notRun: true });
    expect(marked.find((r) => r.id === 'errors.rate-limit')?.message).toContain('list the checks it blocks in ef.yaml');
    expect(marked.find((r) => r.id === 'errors.rate-limit.status')?.notRun).toBeUndefined();
  });

  it('fail the run when the root cause is only a warning', () => {
    const warningRoot = [result('errors.rate-limit.status', 'fail', 'recommended'), blocked('errors.rate-limit', 'errors.rate-limit.status')];
    expect(summaryPasses(summarizeResults(warningRoot, false))).toBe(false);
  });

  it('pass once the blocked check is listed too, and not when the root cause fails the run anyway', () => {
    const listed = applyExpectedFailures(run, [{ id: 'metadata.schema' }, { id: 'errors.rate-limit' }], 'ef.yaml');
    expect(listed.find((r) => r.id === 'errors.rate-limit')?.status).toBe('expected-fail');
    expect(summaryPasses(summarizeResults(listed, false))).toBe(true);
    expect(summarizeResults(run, false).notRun).toBeUndefined();
  });
});
