import { describe, expect, it } from 'vitest';
import { levenshtein } from '../../src/core/edit-distance.js';
import { editDistance } from '../../src/core/validate/did-you-mean.js';

describe('levenshtein', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['flaw', 'lawn', 2],
    ['requird', 'required', 1],
    ['same', 'same', 0],
    ['héllo', 'hello', 1],
  ])('%s -> %s is %i', (a, b, expected) => {
    expect(levenshtein(a, b)).toBe(expected);
    expect(levenshtein(b, a)).toBe(expected);
  });

  it("validate's editDistance is the same distance, cut short only past 8 characters of length difference", () => {
    expect(editDistance('helth_check_interval', 'health_check_interval')).toBe(1);
    expect(editDistance('a', 'abcdefghijk')).toBe(11);
  });
});
