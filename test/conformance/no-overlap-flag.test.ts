/**
 * `--no-overlap` reaches the suite: runConformance is the real one, wrapped to record the
 * options the command hands it. Without the flag the option is left out (the suite's
 * default, overlap when safe); with it, `overlap: false`.
 */
import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/memory-io.js';
import { REFERENCE_DIR } from './command-helpers.js';

const seen = vi.hoisted(() => [] as Array<Record<string, unknown>>);
vi.mock('../../src/core/conformance/run-conformance.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/conformance/run-conformance.js')>();
  return {
    ...real,
    runConformance: (options: Parameters<typeof real.runConformance>[0]) => {
      seen.push({ ...options });
      return real.runConformance(options);
    },
  };
});

describe('loom-plugin test --no-overlap', () => {
  it('hands overlap: false to the suite only when given', async () => {
    const plain = await runCli(['test', REFERENCE_DIR, '--only', 'health.*', '--reporter', 'json']);
    const serial = await runCli(['test', REFERENCE_DIR, '--only', 'health.*', '--reporter', 'json', '--no-overlap']);
    expect([plain.code, serial.code]).toEqual([0, 0]);
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toHaveProperty('overlap');
    expect(seen[1]).toMatchObject({ overlap: false });
  }, 60_000);
});
