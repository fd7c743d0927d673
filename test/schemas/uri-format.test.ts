/**
 * The compiled validators take their formats from dist/validators/formats.cjs (written by
 * scripts/build-validators.mjs). Its `uri` answers the common endpoint shape with a small
 * expression and leaves everything else to ajv-formats: it must accept and refuse exactly
 * the strings ajv-formats' `uri` accepts and refuses.
 */
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMPILED_VALIDATORS_DIR } from '../../src/core/schema-registry.js';

const require = createRequire(import.meta.url);
const formats = require(fileURLToPath(new URL('formats.cjs', COMPILED_VALIDATORS_DIR))) as {
  uri: (value: string) => boolean;
  COMMON_URI: RegExp;
  [name: string]: unknown;
};
const full = (require('ajv-formats/dist/formats') as { fullFormats: Record<string, unknown> }).fullFormats;
const fullUri = full.uri as (value: string) => boolean;

/** Characters that matter to either expression, and some that neither allows. */
const CHARS = 'hHtTpPsS:/.-_~0123456789azAZ[]@%?#!$&\'()*+,;= \t\u00e9\u0131\u017f\u212a';
const piece = fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 12 });

describe('formats.cjs uri', () => {
  it('gives ajv-formats\' verdict on endpoint-like strings and on fixed cases either way', () => {
    const cases = [
      'http://127.0.0.1:8090', 'https://api.example.com', 'HTTP://LOCALHOST:80/', 'http://h:/', 'http://a..b:0001/x/~y/',
      'http://', 'http:/x', 'http://host:port', 'http://[::1]:8080', 'http://user@host:1', 'http://h/%41', 'http://h/a b',
      'ftp://x', 'relative/path', '', 'http://h?q=1', 'http://h#f', 'http://exa\u00e9mple', 'mailto:a@b', 'http:\\\\h',
    ];
    for (const value of cases) expect(formats.uri(value), value).toBe(fullUri(value));
  });

  it('accepts only strings ajv-formats accepts when its own expression answers (a subset)', () => {
    fc.assert(
      fc.property(fc.constantFrom('http://', 'https://', 'HtTp://', 'http:/', 'h://', ''), piece, fc.option(fc.integer({ min: 0, max: 99999 })), fc.array(piece, { maxLength: 4 }), (scheme, host, port, segments) => {
        const value = `${scheme}${host}${port === null ? '' : `:${port}`}${segments.map((s) => `/${s}`).join('')}`;
        if (formats.COMMON_URI.test(value)) expect(fullUri(value), value).toBe(true);
        expect(formats.uri(value), value).toBe(fullUri(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('any string at all: the same verdict', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 40 }), (value) => {
        expect(formats.uri(value), value).toBe(fullUri(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('every other format is ajv-formats\' own', () => {
    for (const name of Object.keys(full)) if (name !== 'uri') expect(formats[name], name).toBe(full[name]);
  });
});
