/**
 * A plugin whose provider needs no credentials has no api_key field: the mock upstream
 * must then not demand a Bearer key, or every chat check would fail with 401.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/core/conformance/run-conformance.js';

const KEYLESS = resolve(import.meta.dirname, '../fixtures/plugins/keyless');

describe('a keyless plugin', () => {
  it('passes the whole suite, chat and error checks included', async () => {
    const report = await runConformance({ dir: KEYLESS, cwd: KEYLESS, env: { PATH: process.env.PATH }, timeoutMs: 5000 });
    const failed = report.results.filter((result) => result.status === 'fail').map((result) => `${result.id}: ${result.message}`);
    expect(failed).toEqual([]);
    expect(report.results.find((result) => result.id === 'chat.forwarded')?.status).toBe('pass');
    expect(report.ok).toBe(true);
  }, 60_000);
});
