/**
 * Generated config values are checked against the manifest's `validation.pattern` with a
 * time limit: a pattern that backtracks catastrophically (`^(x+)+y$` against forty-odd
 * characters) used to hang `loom-plugin test` for good. A running RegExp cannot be
 * interrupted in-process (not by a vitest timeout either), so each case runs the built
 * module in a child process with a kill timer: a hang fails in seconds instead of
 * blocking the suite. Needs the build (`npm run build`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateValue } from '../../src/core/runtime/config-values.js';
import { samplePattern } from '../../src/core/runtime/pattern-sample.js';

const dist = path.resolve(import.meta.dirname, '../../dist/core/runtime');
const EVIL = { pattern: '^(x+)+y$', min_length: 40 };
const field = (name: string, validation: Record<string, unknown> = EVIL): Record<string, unknown> => ({ name, type: 'string', required: true, validation });

/** Runs `body` (an async function body with `m`, the module) in a child; its JSON result, or a failure that names the hang. */
function inChild(module: string, body: string): unknown {
  const file = path.join(dist, module);
  if (!existsSync(file)) throw new Error('dist/ is missing: run `npm run build` first.');
  const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); const started = performance.now(); const result = await (async () => { ${body} })(); console.log(JSON.stringify({ result, ms: performance.now() - started }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000, killSignal: 'SIGKILL' });
  if (child.signal === 'SIGKILL') throw new Error(`still running after 10 s (killed): generating the value is not bounded`);
  expect(child.stderr).toBe('');
  const out = JSON.parse(child.stdout) as { result: unknown; ms: number };
  // 250 ms of CPU for a run's pattern checks, and a wall-clock backstop of four times that.
  expect(out.ms).toBeLessThan(2_000);
  return out.result;
}

describe('generated values against a backtracking validation.pattern', () => {
  it('generateValue returns within a second or two, with the first candidate (unchecked)', () => {
    const value = inChild('config-values.js', `return m.generateValue(${JSON.stringify(field('region'))});`);
    expect(value).toBe(`us-east-1${'x'.repeat(31)}`);
  }, 15_000);

  it('samplePattern gives up (undefined) instead of hanging', () => {
    // The sample of `^x*(x+)+\1y$` is 39 x's, a "1" (a backreference is out of the
    // sampler's scope) and a y: it does not match, and the engine tries every split of the
    // x's before saying so. The time runs out first.
    const sample = inChild('pattern-sample.js', `return m.samplePattern(${JSON.stringify('^x*(x+)+\\1y$')}, 40) ?? null;`);
    expect(sample).toBeNull();
  }, 15_000);

  it('resolveConfig says which fields were not checked, and why, without their values', () => {
    const manifest = { metadata: { provider_type: 'p', config_schema: [field('name', { pattern: '^[a-z]+$' }), field('region'), field('zone')] } };
    const result = inChild('config.js', `const r = await m.resolveConfig(${JSON.stringify(manifest)}, { env: {}, generate: true }); return { values: r.values, notes: r.notes ?? [] };`) as {
      values: Record<string, string>;
      notes: string[];
    };
    // Checked before the slow ones spent the run's time: a candidate that matches.
    expect(result.values.name).toBe('test');
    expect(result.notes.length).toBeGreaterThanOrEqual(1);
    expect(result.notes[0]).toMatch(/^Matching the generated value of config field region against validation\.pattern took too long; it was not checked/);
    expect(result.notes[0]).toContain('LOOM_CONFIG_REGION');
    // zone's pattern is the same: it either had the whole limit too, or found the run's time spent.
    expect(result.notes[1]).toMatch(/config field zone .*(took too long|already took 250 ms)/);
    for (const note of result.notes) expect(note).not.toContain('xxxx');
  }, 15_000);
});

describe('samples too long for a string', () => {
  // These threw RangeError (Invalid string length) out of `loom-plugin test`: the sampler
  // repeated nested counts, or grew an item to a huge min_length, before any check.
  it('gives no sample for nested counts past the string limit, and generateValue a candidate', () => {
    expect(samplePattern('^((a{1000}){1000}){1000}$')).toBeUndefined();
    expect(generateValue({ name: 'zone', type: 'string', validation: { pattern: '^((a{1000}){1000}){1000}$' } })).toBe('loom-test');
  });

  it('gives no sample when min_length is past the limit', () => {
    expect(samplePattern('^a+$', 1_000_000_000)).toBeUndefined();
  });
});

describe('a min_length past what is generated', () => {
  it('gives a value of 100,000 characters at once, and a note, instead of padding for minutes', () => {
    const manifest = { metadata: { provider_type: 'p', config_schema: [field('zone', { min_length: 1_000_000_000 })] } };
    const result = inChild('config.js', `const r = await m.resolveConfig(${JSON.stringify(manifest)}, { env: {}, generate: true }); return { length: r.values.zone.length, notes: r.notes ?? [] };`);
    expect(result).toEqual({
      length: 100_000,
      notes: [expect.stringMatching(/^The generated value of config field zone is 100000 characters, shorter than its validation\.min_length \(1000000000\)/)],
    });
  }, 15_000);
});
