/**
 * A plugin that never answers one endpoint cannot pass: the breaker keeps later requests
 * to that path unsent, but a check kept unsent is blocked by the check that timed out, or
 * fails on its own, never skipped (skips never fail a run, so a hung /models went green).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/memory-io.js';
import { hungPathWrapper, removeTempPlugins, tempPlugin } from './command-helpers.js';

interface JsonReport {
  ok: boolean;
  results: Array<{ id: string; status: string; blockedBy?: string; notRun?: boolean; message?: string }>;
}

describe('a plugin hung on one endpoint', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'loom-hung-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
    await removeTempPlugins();
  });

  it('GET /models never answering fails the run: models.schema fails, nothing about /models is skipped', async () => {
    const plugin = await tempPlugin({ wrapper: hungPathWrapper('GET', '/models') });
    const { code, stdout } = await runCli(['test', plugin, '--timeout', '2s', '--reporter', 'json'], { cwd: work });
    const report = JSON.parse(stdout) as JsonReport;
    const byId = new Map(report.results.map((r) => [r.id, r]));
    expect(code, stdout).toBe(1);
    expect(report.ok).toBe(false);
    expect(byId.get('models.schema')?.status, stdout).toBe('fail');
    expect(byId.get('models.schema')?.message).toMatch(/GET \/models/);
    for (const id of ['models.schema', 'models.non-empty-unique']) {
      expect(['fail', 'blocked'], `${id}: ${JSON.stringify(byId.get(id))}`).toContain(byId.get(id)?.status);
    }
    expect(report.results.filter((r) => r.status === 'skip' && /timed out earlier/.test(r.message ?? ''))).toEqual([]);
  }, 60_000);

  it('POST /chat/completions never answering: under --strict no error-table check is skipped for a request never sent', async () => {
    const plugin = await tempPlugin({ wrapper: hungPathWrapper('POST', '/chat/completions') });
    const { code, stdout } = await runCli(['test', plugin, '--timeout', '2s', '--strict', '--reporter', 'json'], { cwd: work });
    const report = JSON.parse(stdout) as JsonReport;
    expect(code, stdout).toBe(1);
    const unsentSkips = report.results.filter((r) => r.status === 'skip' && /not sent|timed out earlier/.test(r.message ?? ''));
    expect(unsentSkips).toEqual([]);
    const table = report.results.filter((r) => r.id.startsWith('error-table.') && r.id !== 'error-table.invalid-request');
    expect(table.length).toBeGreaterThan(0);
    for (const result of table) expect(['blocked', 'fail'], JSON.stringify(result)).toContain(result.status);
  }, 90_000);
});
