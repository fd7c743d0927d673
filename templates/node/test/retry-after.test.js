// How long a rate-limited upstream asks to wait (parseRetryAfter in src/errors.js).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseRetryAfter } from '../src/errors.js';

it('reads seconds and retry-after-ms, and falls back to 1 second', () => {
  const cases = [['7', undefined, 7], ['7.9', undefined, 7], [undefined, undefined, 1], ['', undefined, 1], ['soon', undefined, 1], ['-3', undefined, 0], ['7', '1500', 2], ['7', 'junk', 7]];
  for (const [header, milliseconds, seconds] of cases) assert.equal(parseRetryAfter(header, milliseconds), seconds, `${header} ${milliseconds}`);
});

it('reads an HTTP date as the time until then', () => {
  const seconds = parseRetryAfter(new Date(Date.now() + 30_000).toUTCString());
  assert.ok(seconds >= 25 && seconds <= 30, String(seconds));
});
