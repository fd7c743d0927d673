import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/core/conformance/catalogue.js';
import { REFERENCE_DIR, runFixture } from '../fixtures/plugins/run-fixture.js';

describe('the reference fixture plugin', () => {
  it('passes every check of the catalogue', async () => {
    const run = await runFixture(REFERENCE_DIR);
    const notPassing = run.results.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.status} ${r.message ?? ''} ${(r.details ?? []).join('; ')}`);
    expect(notPassing).toEqual([]);
    expect(run.results.map((r) => r.id)).toEqual(CHECKS.map((c) => c.id));
  }, 30_000);
});
