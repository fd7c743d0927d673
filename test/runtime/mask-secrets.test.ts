/**
 * The one masking module of `test` and `dev`: values are masked, never JSON text, and
 * short or literal-looking secrets only as whole tokens, so masking cannot corrupt output.
 */
import { describe, expect, it } from 'vitest';
import { MASK, SecretMasker, maskSecrets } from '../../src/core/runtime/mask-secrets.js';

describe('SecretMasker.maskValue', () => {
  // Secrets that used to turn JSON text into something JSON.parse refuses (issue: dev crashed).
  const LITERALS = ['true', 'false', 'null', '12', '0', '-1.5', '1e3'];
  it.each(LITERALS)('masks a structure holding the secret %j without corrupting it', (secret) => {
    const masker = new SecretMasker([secret]);
    const value = { healthy: true, ok: false, none: null, port: 12, n: 0, f: -1.5, e: 1000, said: `key ${secret} here`, exact: secret, list: [secret, 12, true] };
    const masked = masker.maskValue(value);
    // Data that is not a string is never touched: types and shape survive.
    expect(masked).toMatchObject({ healthy: true, ok: false, none: null, port: 12, n: 0, f: -1.5, e: 1000 });
    expect(masked.said).toBe(`key ${MASK} here`);
    expect(masked.exact).toBe(MASK);
    expect(masked.list).toEqual([MASK, 12, true]);
    expect(() => JSON.parse(JSON.stringify(masked))).not.toThrow();
  });

  it('keeps keys (even __proto__) as keys and masks only string values', () => {
    const input = JSON.parse('{"__proto__":"sk-abcdef-1","constructor":{"v":"sk-abcdef-1"}}') as Record<string, unknown>;
    const masked = new SecretMasker(['sk-abcdef-1']).maskValue(input);
    expect(Object.keys(masked)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(masked)).toBe('{"__proto__":"***","constructor":{"v":"***"}}');
  });
});

describe('SecretMasker.mask (text)', () => {
  const cases: Array<[string, string, string, string]> = [
    // [why, secret, text, expected]
    ['plain', 'sk-live-123456', 'key=sk-live-123456.', 'key=***.'],
    ['JSON-escaped quote', 'sk-"quoted"-1', '{"k":"sk-\\"quoted\\"-1"}', '{"k":"***"}'],
    ['JSON-escaped backslash', 'sk\\back\\slash', '{"k":"sk\\\\back\\\\slash"}', '{"k":"***"}'],
    ['Python ASCII escape', 'clé-secrète-9', '{"k": "cl\\u00e9-secr\\u00e8te-9"}', '{"k": "***"}'],
    ['URL-encoded', 'a b&c=d/e', '/x?k=a%20b%26c%3Dd%2Fe', '/x?k=***'],
    ['number as a token', '12', 'pin=12 port=1234 t=0.12 v1.12 12.', 'pin=*** port=1234 t=0.12 v1.12 ***.'],
    ['literal as a token', 'true', '"stream": true, truely', '"stream": ***, truely'],
    ['short as a token', 'ab', 'ab, abc, cab ab', '***, abc, cab ***'],
    ['short with a quote', 'a"b', 'say "a\\"b" a"b', 'say "***" ***'],
    ['longest first', 'secret-x', 'secret-xy secret-x', '***y ***'],
  ];
  it.each(cases)('%s', (_why, secret, text, expected) => {
    expect(new SecretMasker([secret]).mask(text)).toBe(expected);
    expect(maskSecrets(text, [secret])).toBe(expected);
  });

  it('ignores blank secrets (they would rewrite every line)', () => {
    const masker = new SecretMasker(['', ' ', undefined]);
    expect(masker.size).toBe(0);
    expect(masker.mask('a b c')).toBe('a b c');
  });
});

describe('SecretMasker.maskJsonText (bodies shown as text)', () => {
  it.each([
    ['a number secret', ['12'], '{"pin": 12, "n": 1234, "s": "pin 12"}', { pin: MASK, n: 1234, s: `pin ${MASK}` }],
    ['a literal secret', ['true'], '{"stream": true, "k": "true"}', { stream: MASK, k: MASK }],
    ['a secret that mimics JSON structure', ['abc","x'], '{"k":"abc","x":1}', { k: 'abc', x: 1 }],
    ['a secret with a quote inside a string', ['sk-"q"-123'], '{"k":"sk-\\"q\\"-123"}', { k: MASK }],
  ] as const)('%s: the body stays valid JSON with the secret masked', (_why, secrets, body, expected) => {
    const masked = new SecretMasker(secrets).maskJsonText(body);
    expect(JSON.parse(masked)).toEqual(expected);
  });

  it('leaves a body without secrets byte for byte, and masks text that is not JSON as text', () => {
    const masker = new SecretMasker(['sk-live-999999']);
    expect(masker.maskJsonText('{ "a" : 1 }')).toBe('{ "a" : 1 }');
    expect(masker.maskJsonText('data: {"k":"sk-live-999999"}\n\n')).toBe('data: {"k":"***"}\n\n');
  });
});

describe('SecretMasker.maskValue on hostile depth', () => {
  it('masks a secret nested far deeper than any real answer (no stack overflow, no leak)', () => {
    let value: unknown = { key: 'sk-deep-secret-77' };
    for (let i = 0; i < 5000; i++) value = { next: value };
    const masked = new SecretMasker(['sk-deep-secret-77']).maskValue(value);
    let text: string;
    try {
      text = JSON.stringify(masked);
    } catch {
      text = String(masked);
    }
    expect(text).not.toContain('sk-deep-secret-77');
  });
});
