/**
 * A plugin whose first /initialize takes 11 s (acme-py-slow-start): the shipped host waits
 * 30 s for a call, so it loads there. By default the suite waits as long for /initialize
 * and says the start is slow in a note; with --timeout given, that limit cuts it and the
 * failure says so (and what the host waits).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLUGINS_DIR } from '../fixtures/plugins/run-fixture.js';
import { runCli } from '../helpers/memory-io.js';

const DIR = join(PLUGINS_DIR, 'strangers', 'acme-py-slow-start');

async function initializeOnly(...extra: string[]) {
  const run = await runCli(['test', DIR, '--only', 'lifecycle.initialize', '--upstream-field', 'base_url', '--reporter', 'json', ...extra], {
    cwd: DIR,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  expect(run.stderr).toBe('');
  const report = JSON.parse(run.stdout) as { notes?: string[]; results: Array<{ id: string; status: string; message?: string }> };
  return { code: run.code, report, result: report.results.find((result) => result.id === 'lifecycle.initialize') };
}

describe.concurrent('a slow /initialize', () => {
  it('passes within the host limit of 30 s, with a note, although it is longer than --timeout', async () => {
    const { code, report, result } = await initializeOnly();
    expect(result?.status).toBe('pass');
    expect(code).toBe(0);
    expect(report.notes?.join('\n')).toMatch(/POST \/initialize took 1\d\.\d s, longer than the 10 s the other calls get \(--timeout\)\. The Loom host waits up to 30 s, so it loads the plugin/);
  }, 60_000);

  it('fails when a --timeout the user gave cuts it, and the message names --timeout', async () => {
    const { code, result } = await initializeOnly('--timeout', '2s');
    expect(code).toBe(1);
    expect(result?.status).toBe('fail');
    expect(result?.message).toMatch(/timed out after 2000 ms .*this run's --timeout cut it: the Loom host waits 30 s for \/initialize, run with --timeout 30s/);
  }, 60_000);
});
