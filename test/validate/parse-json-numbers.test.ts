/**
 * plugin.json numbers: the strict reader scans them by hand, and must accept exactly
 * what JSON.parse accepts (RFC 8259), with the same value, and refuse the rest.
 */
import { describe, expect, it } from 'vitest';
import { parseJsonWithPositions } from '../../src/core/manifest/parse-json.js';

const VALID = ['0', '-0', '7', '-12', '1.5', '-0.25', '10e3', '1E+2', '2e-3', '-1.5e10', '123456789012345678901234567890', '1e400', '0.000001'];
const INVALID = ['-', '01', '1.', '.5', '+1', '1e', '1e+', '--1', '0x10', '1.e3', 'Infinity', 'NaN', '-a'];

/** Random strings over the characters numbers are made of. */
function* randomNumberish(count: number): Generator<string> {
  const alphabet = '0123456789-+.eE';
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let n = 0; n < count; n++) {
    const length = 1 + Math.floor(next() * 7);
    yield Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
  }
}

function both(number: string): { ours: unknown; native: unknown } {
  const text = `{"n": ${number}}`;
  const parsed = parseJsonWithPositions(text);
  let native: unknown;
  try {
    native = (JSON.parse(text) as { n: unknown }).n;
  } catch {
    native = 'refused';
  }
  return { ours: parsed.fatal ? 'refused' : (parsed.value as { n: unknown }).n, native };
}

describe('numbers in plugin.json', () => {
  it('reads valid numbers as JSON.parse does', () => {
    for (const number of VALID) {
      const { ours, native } = both(number);
      expect(ours, number).toBe(native);
      expect(ours, number).not.toBe('refused');
    }
  });

  it('refuses what JSON.parse refuses', () => {
    for (const number of INVALID) expect(both(number).ours, number).toBe('refused');
  });

  it('agrees with JSON.parse on 20,000 random strings of digits, signs, dots and exponents', () => {
    for (const number of randomNumberish(20_000)) {
      const { ours, native } = both(number);
      expect(ours, number).toBe(native);
    }
  });
});
