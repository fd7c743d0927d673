import { describe, expect, it } from 'vitest';
import { assertProviderType, deriveProviderType, providerTypeProblem } from '../../src/core/init/provider-type.js';

describe('deriveProviderType', () => {
  it.each([
    ['acme-ai', 'acme-ai'],
    ['loom-acme-plugin', 'acme'],
    ['acme-plugin', 'acme'],
    ['Acme.AI', 'acme-ai'],
    ['my_provider', 'my_provider'],
    ['loom-plugin', 'loom-plugin'],
    ['plugin', 'plugin'],
    ['___', 'custom'],
  ])('%s -> %s', (name, expected) => {
    expect(deriveProviderType(name)).toBe(expected);
    expect(providerTypeProblem(deriveProviderType(name))).toBeUndefined();
  });
});

describe('providerTypeProblem', () => {
  it.each(['acme', 'acme-ai', 'a1', 'open_ai', 'a--b'])('accepts %s', (value) => {
    expect(providerTypeProblem(value)).toBeUndefined();
  });
  it.each(['', 'Acme', 'acme ai', '-acme', '_acme', 'acme/ai', 'x'.repeat(65)])('rejects %j', (value) => {
    expect(providerTypeProblem(value)).toMatch(/provider_type/);
  });
  it('assertProviderType throws E_BAD_NAME with a slug suggestion', () => {
    expect(() => assertProviderType('Acme AI')).toThrow(expect.objectContaining({ code: 'E_BAD_NAME', hint: 'Try --provider-type acme-ai.' }));
  });
});
