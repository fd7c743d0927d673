/**
 * Every check can fail: each broken fixture plugin (the reference server with one
 * DEFECT) is run through the checks it targets, and each of those must FAIL, while the
 * reference passes them all (checks-reference.test.ts). Coverage: every check id of the
 * catalogue is broken by at least one fixture, so a new check cannot land without one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/core/conformance/catalogue.js';
import { DEFECTS } from '../fixtures/plugins/defects.mjs';
import { STRANGERS } from '../fixtures/plugins/strangers.mjs';
import { brokenManifest, jsonTwin } from '../fixtures/plugins/generate-broken.mjs';
import { PLUGINS_DIR, runFixture } from '../fixtures/plugins/run-fixture.js';

const BROKEN_DIR = join(PLUGINS_DIR, 'broken');

describe('broken fixtures', () => {
  it('break every check of the catalogue at least once (with the stranger plugins)', () => {
    const broken = new Set([...DEFECTS.flatMap((defect) => defect.breaks), ...STRANGERS.flatMap((stranger) => stranger.breaks)]);
    const unbroken = CHECKS.map((check) => check.id).filter((id) => !broken.has(id));
    expect(unbroken, 'checks without a fixture that makes them fail').toEqual([]);
  });

  it('only name check ids that exist', () => {
    const ids = new Set(CHECKS.map((check) => check.id));
    expect(DEFECTS.flatMap((defect) => defect.breaks).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('have generated manifests in sync with defects.mjs and the reference manifest', () => {
    expect(readdirSync(BROKEN_DIR).sort()).toEqual(DEFECTS.map((defect) => defect.name).sort());
    for (const defect of DEFECTS) {
      const text = readFileSync(join(BROKEN_DIR, defect.name, 'plugin.yaml'), 'utf8');
      expect(text, `broken/${defect.name}/plugin.yaml is stale: run node test/fixtures/plugins/generate-broken.mjs`).toBe(brokenManifest(defect));
      const json = readFileSync(join(BROKEN_DIR, defect.name, 'plugin.json'), 'utf8');
      expect(json, `broken/${defect.name}/plugin.json is stale: run node test/fixtures/plugins/generate-broken.mjs`).toBe(jsonTwin(text));
    }
  });

  // A few plugins at a time: each costs one Node start plus the checks it targets.
  describe.concurrent('each fails the checks it targets', () => {
    it.each(DEFECTS.map((defect) => [defect.name, defect] as const))('%s', async (_name, defect) => {
      const run = await runFixture(join(BROKEN_DIR, defect.name), { only: defect.breaks, ...(defect.timeoutMs ? { timeoutMs: defect.timeoutMs } : {}) });
      for (const id of defect.breaks) {
        let result = run.byId.get(id);
        // Blocked by another check this defect breaks: one root cause, reported once.
        if (result?.status === 'blocked' && defect.breaks.includes(result.blockedBy ?? '')) result = run.byId.get(result.blockedBy ?? '');
        expect(result?.status, `${id} against ${defect.name} (${defect.what}): ${result?.message ?? ''}`).toBe('fail');
        // Failing for the wrong reason (setup trouble, a crashed check) would prove nothing.
        expect(result?.message ?? '').not.toMatch(/^$|could not be initialized|unexpected error|no implementation/);
      }
    }, 30_000);
  });
});
