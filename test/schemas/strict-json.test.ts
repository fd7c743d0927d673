import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAgainstSchema } from '../../src/core/schema-registry.js';
import { checkJsonTextAgainstSchema, nonIntegerSyntaxNumbers } from '../../src/core/schema-strict-json.js';

const chat = (created: string, total = '18'): string =>
  `{"id":"c","object":"chat.completion","created":${created},"model":"m",` +
  `"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],` +
  `"usage":{"prompt_tokens":10,"completion_tokens":8,"total_tokens":${total},"cost_usd":1.0}}`;

describe('nonIntegerSyntaxNumbers', () => {
  it('finds numbers written with a fraction or exponent, with their JSON pointers', () => {
    const text = '{"a": 1, "b": 1.0, "c": [2, 3e2, {"d/e": -4.5E-1, "f~": "7.5"}], "": 0.5, "g": [[], {}, 1.5]}';
    expect(nonIntegerSyntaxNumbers(text)).toEqual([
      { pointer: '/b', text: '1.0' },
      { pointer: '/c/1', text: '3e2' },
      { pointer: '/c/2/d~1e', text: '-4.5E-1' },
      { pointer: '/', text: '0.5' },
      { pointer: '/g/2', text: '1.5' },
    ]);
  });

  it('handles a bare number, escaped quotes in strings and deep nesting', () => {
    expect(nonIntegerSyntaxNumbers(' 1.7e9 ')).toEqual([{ pointer: '', text: '1.7e9' }]);
    expect(nonIntegerSyntaxNumbers('{"k\\"1.5": "x\\\\", "n": 2.5}')).toEqual([{ pointer: '/n', text: '2.5' }]);
    const deep = `${'['.repeat(20000)}1.5${']'.repeat(20000)}`;
    expect(nonIntegerSyntaxNumbers(deep)).toHaveLength(1);
  });

  it('reports nothing for JSON.stringify output of integers, and every non-integer it writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 1);
        const found = nonIntegerSyntaxNumbers(text);
        // JSON.stringify writes integers below 1e21 without '.' or 'e'.
        const expected: string[] = [];
        const walk = (node: unknown, pointer: string): void => {
          if (typeof node === 'number') {
            if (/[.eE]/.test(JSON.stringify(node))) expected.push(pointer);
          } else if (Array.isArray(node)) {
            node.forEach((item, index) => walk(item, `${pointer}/${index}`));
          } else if (node !== null && typeof node === 'object') {
            for (const [key, item] of Object.entries(node)) walk(item, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
          }
        };
        walk(JSON.parse(text), '');
        expect(found.map((number) => number.pointer)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('checkJsonTextAgainstSchema', () => {
  it('catches what JSON.parse hides: 1.7e9 passes the plain schema check but not the raw one', async () => {
    expect((await checkAgainstSchema('chat-completion-response', JSON.parse(chat('1.7e9')))).valid).toBe(true);
    const result = await checkJsonTextAgainstSchema('chat-completion-response', chat('1.7e9'));
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([
      expect.objectContaining({ instancePath: '/created', keyword: 'type', params: { type: 'integer', raw: '1.7e9' } }),
    ]);
    expect(result.errors[0]?.message).toContain('1.7e9');
  });

  it('flags 5.0-style integers but leaves number fields (cost_usd: 1.0) alone', async () => {
    const result = await checkJsonTextAgainstSchema('chat-completion-response', chat('1706000000', '18.0'));
    expect(result.errors.map((error) => error.instancePath)).toEqual(['/usage/total_tokens']);
    expect((await checkJsonTextAgainstSchema('chat-completion-response', chat('1706000000'))).valid).toBe(true);
  });

  it('does not report a real fraction twice', async () => {
    const result = await checkJsonTextAgainstSchema('health', '{"healthy":true,"latency_ms":2.5,"timestamp":"2026-01-21T10:00:00Z"}');
    expect(result.errors.filter((error) => error.instancePath === '/latency_ms')).toHaveLength(1);
  });

  it('reports text that is not JSON as a parse error', async () => {
    const result = await checkJsonTextAgainstSchema('error', '<html>Internal Server Error</html>');
    expect(result.valid).toBe(false);
    expect(result.parseError).toBeTruthy();
    expect(result.json).toBeUndefined();
  });

  it('returns the parsed body', async () => {
    const result = await checkJsonTextAgainstSchema('models', '[{"id":"m","name":"M"}]');
    expect(result).toMatchObject({ valid: true, errors: [], json: [{ id: 'm', name: 'M' }] });
  });
});
