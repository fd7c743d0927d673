/**
 * The upstream-timeout check waits in the background, alongside the checks after it, only
 * for a plugin that serves requests side by side (src/core/conformance/background-check.ts).
 * Whatever the plugin, every verdict and the order of the results are those of the run
 * with every check in its place (`overlap: false`).
 *
 * The serial fixtures are Acme's stdlib plugin on the plain, single-threaded HTTPServer;
 * one of them also has no timeout on its upstream calls, so a hung upstream holds the whole
 * plugin: started alongside the other checks, the timeout check would fail them all. That
 * one costs about 11 s (the hang, then requests that time out, then a stop that waits).
 *
 * The reference plugin runs from a manifest of our own whose shortest timeout is 6 s: the
 * check starts early only when the checks before it took less than half the plugin's
 * timeout, and a loaded test machine (CI runs test files side by side on two cores) must
 * not make this test take the other path.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../src/core/conformance/catalogue.js';
import { runConformance, type ConformanceEvent } from '../../src/core/conformance/run-conformance.js';
import { PLUGINS_DIR, REFERENCE_DIR } from '../fixtures/plugins/run-fixture.js';

/** The reference plugin in a folder of our own: shortest timeout 3 s, and a defect if given. */
function referenceCopy(defect?: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'loom-plugin-overlap-'));
  const manifest = JSON.parse(readFileSync(join(REFERENCE_DIR, 'plugin.json'), 'utf8')) as {
    args: string[];
    env: Record<string, string>;
    metadata: { config_schema: { name: string; validation?: { min?: number } }[] };
  };
  manifest.args = [join(REFERENCE_DIR, 'server.mjs')];
  if (defect) manifest.env = { ...manifest.env, DEFECT: defect };
  for (const field of manifest.metadata.config_schema) if (field.name === 'timeout') field.validation = { ...field.validation, min: 6 };
  writeFileSync(join(dir, 'plugin.json'), JSON.stringify(manifest));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function judge(dir: string, upstreamField: string, overlap: boolean, timeoutMs = 1500) {
  const events: ConformanceEvent[] = [];
  const report = await runConformance({
    dir,
    cwd: dir,
    env: { PATH: process.env.PATH },
    upstreamField,
    timeoutMs,
    overlap,
    onEvent: (event) => events.push(event),
  });
  const background = events.flatMap((event) => (event.type === 'background' ? [`${event.check.id} ${event.alongside ? 'alongside' : 'alone'}`] : []));
  const streamed = events.flatMap((event) => (event.type === 'result' ? [event.result.id] : []));
  const verdicts = Object.fromEntries(report.results.map((result) => [result.id, result.status]));
  return { report, background, streamed, verdicts };
}

describe.concurrent('the timeout check in the background', () => {
  it('waits alongside the other checks for the reference plugin; verdicts and order as with every check in its place', async () => {
    const copy = referenceCopy();
    try {
      const [overlapped, inPlace] = await Promise.all([judge(copy.dir, 'endpoint', true), judge(copy.dir, 'endpoint', false)]);
      expect(overlapped.background).toEqual(['errors.timeout alongside']);
      expect(inPlace.background).toEqual([]);
      expect(overlapped.report.ok).toBe(true);
      expect(overlapped.verdicts).toEqual(inPlace.verdicts);
      // Catalogue order in the report and in the live results, though errors.timeout ended last.
      expect(overlapped.report.results.map((result) => result.id)).toEqual(CHECK_IDS);
      expect(overlapped.streamed).toEqual(CHECK_IDS);
    } finally {
      copy.remove();
    }
  }, 60_000);

  it('stays in its place for a plugin that serves one request at a time, with the same verdicts', async () => {
    const dir = join(PLUGINS_DIR, 'strangers', 'acme-py-serial');
    const [overlapped, inPlace] = await Promise.all([judge(dir, 'base_url', true), judge(dir, 'base_url', false)]);
    expect(overlapped.background).toEqual(['errors.timeout alone']);
    expect(overlapped.verdicts).toEqual(inPlace.verdicts);
    expect(overlapped.report.summary.failed).toBe(0);
    expect(overlapped.verdicts['errors.timeout']).toBe('pass');
    expect(overlapped.report.results.map((result) => result.id)).toEqual(CHECK_IDS);
  }, 60_000);

  it('a plugin that dies on its own timeout: the checks before the timeout check pass and the rest fail, as before', async () => {
    const copy = referenceCopy('timeout-crash');
    try {
      const [overlapped, inPlace] = await Promise.all([judge(copy.dir, 'endpoint', true), judge(copy.dir, 'endpoint', false)]);
      expect(overlapped.background).toEqual(['errors.timeout alongside']);
      expect(overlapped.verdicts).toEqual(inPlace.verdicts);
      expect(overlapped.verdicts['errors.timeout']).toBe('fail');
      // Its exit is the crash of the run in both (which check it is blamed on depends on
      // when the operating system reports it, with or without the overlap).
      expect(overlapped.report.pluginExit).toBeDefined();
      expect(inPlace.report.pluginExit).toBeDefined();
      const before = CHECK_IDS.slice(0, CHECK_IDS.indexOf('errors.timeout'));
      expect(before.filter((id) => overlapped.verdicts[id] === 'fail')).toEqual([]);
    } finally {
      copy.remove();
    }
  }, 60_000);

  it('stays in its place when a hung upstream holds the whole plugin: only the checks after it fail, as before', async () => {
    const dir = join(PLUGINS_DIR, 'strangers', 'acme-py-serial-no-timeout');
    const [overlapped, inPlace] = await Promise.all([judge(dir, 'base_url', true), judge(dir, 'base_url', false)]);
    expect(overlapped.background).toEqual(['errors.timeout alone']);
    expect(overlapped.verdicts).toEqual(inPlace.verdicts);
    expect(overlapped.verdicts['errors.timeout']).toBe('fail');
    const before = CHECK_IDS.slice(0, CHECK_IDS.indexOf('errors.timeout'));
    expect(before.filter((id) => overlapped.verdicts[id] === 'fail')).toEqual([]);
  }, 90_000);
});

describe('a check that fails beside the timeout check', () => {
  it('a plugin that retries rate limits within its own timeout: a failure beside the timeout check is judged again in place', async () => {
    // Quay waits 2 s, then 4 s, between attempts, all within one deadline of `timeout`
    // seconds (4 at the least): run alongside the timeout check, with that short timeout,
    // errors.rate-limit gets `timeout` where the run in place gets rate_limit_exceeded, so
    // it is judged again once the timeout check ended. About 12 s (6 s of Quay's waits);
    // not beside the other runs of this file, whose half-timeout rule a loaded machine trips.
    // Quay's shortest timeout is fixed at 4 s, so a loaded machine can push the checks
    // before the wait past half of it, and the check then (rightly) stays in its place,
    // which proves nothing here: such a run is tried again, up to three times in all.
    const dir = join(PLUGINS_DIR, 'strangers', 'quay-node-retry');
    let [overlapped, inPlace] = await Promise.all([judge(dir, 'server_url', true, 10_000), judge(dir, 'server_url', false, 10_000)]);
    for (let attempt = 1; attempt < 3 && overlapped.background[0] === 'errors.timeout alone'; attempt += 1) {
      overlapped = await judge(dir, 'server_url', true, 10_000);
    }
    expect(overlapped.background).toEqual(['errors.timeout alongside']);
    expect(inPlace.verdicts['errors.rate-limit']).toBe('pass');
    expect(overlapped.verdicts).toEqual(inPlace.verdicts);
  }, 150_000);
});
