import { describe, expect, it } from 'vitest';
import { assertPluginName, pythonImportName, suggestPluginName, validatePluginName } from '../../src/core/init/plugin-name.js';
import type { InitLanguage } from '../../src/core/init/types.js';

const LANGUAGES: InitLanguage[] = ['python', 'node', 'go'];

describe('validatePluginName', () => {
  it.each(['acme-ai', 'acme', 'my-plugin2', 'a', 'openai.compat', 'x_y'])('accepts %s in every language', (name) => {
    for (const language of LANGUAGES) {
      const check = validatePluginName(name, language);
      expect(check.problems, `${language}: ${name}`).toEqual([]);
      expect(check.valid).toBe(true);
      expect(check.suggestion).toBeUndefined();
    }
  });

  // [name, language, rule that must be reported]
  const bad: [string, InitLanguage, string][] = [
    ['', 'node', 'fs/empty'],
    ['..', 'go', 'fs/dot-segment'],
    ['.', 'python', 'fs/dot-segment'],
    ['../escape', 'node', 'fs/dot-segment'],
    ['/abs/path', 'node', 'fs/absolute'],
    ['C:\\plugins\\x', 'go', 'fs/absolute'],
    ['a/b', 'python', 'fs/separator'],
    ['a\\b', 'go', 'fs/separator'],
    ['con', 'node', 'fs/windows-reserved'],
    ['NUL', 'go', 'fs/windows-reserved'],
    ['com1', 'python', 'fs/windows-reserved'],
    ['lpt9.txt', 'go', 'fs/windows-reserved'],
    ['trailing.', 'node', 'fs/trailing-dot-space'],
    ['trailing ', 'go', 'fs/trailing-dot-space'],
    ['what?', 'go', 'fs/invalid-char'],
    ['tab\there', 'node', 'fs/invalid-char'],
    ['-rf', 'node', 'fs/leading-dash'],
    ['a'.repeat(101), 'go', 'fs/too-long'],
    // Folders validate, test and dev skip while searching: a plugin there is never found.
    ['node_modules', 'python', 'fs/skipped-folder'],
    ['node_modules', 'go', 'fs/skipped-folder'],
    ['venv', 'python', 'fs/skipped-folder'],
    ['__pycache__', 'go', 'fs/skipped-folder'],
    ['virtualenvs', 'node', 'fs/skipped-folder'],
    ['Acme', 'node', 'npm/uppercase'],
    ['.hidden', 'node', 'npm/leading-dot-underscore'],
    ['_private', 'node', 'npm/leading-dot-underscore'],
    ['acme ai', 'node', 'npm/url-unsafe'],
    ['node_modules', 'node', 'npm/blocklisted'],
    ['http', 'node', 'npm/builtin'],
    ['fs', 'node', 'npm/builtin'],
    ['class', 'python', 'python/keyword'],
    ['import', 'python', 'python/keyword'],
    ['None', 'python', 'python/keyword'],
    ['3d-models', 'python', 'python/import-digit'],
    ['-x-', 'python', 'python/distribution'],
    ['acme ai', 'python', 'python/distribution'],
    ['acmé', 'python', 'python/distribution'],
    ['acme+ai', 'go', 'go/element-char'],
    ['.dotted', 'go', 'go/element-dot'],
    ['short~1', 'go', 'go/element-tilde'],
    ['v2', 'go', 'go/major-version'],
  ];
  it.each(bad)('rejects %j for %s with rule %s and suggests a valid name', (name, language, rule) => {
    const check = validatePluginName(name, language);
    expect(check.valid).toBe(false);
    expect(check.problems.map((p) => p.rule)).toContain(rule);
    expect(check.suggestion).toBeDefined();
    expect(validatePluginName(check.suggestion!, language).problems).toEqual([]);
  });

  it('accepts in one ecosystem what only another forbids', () => {
    expect(validatePluginName('Acme', 'go').valid).toBe(true);
    expect(validatePluginName('Acme', 'node').valid).toBe(false);
    expect(validatePluginName('class', 'node').valid).toBe(true);
    expect(validatePluginName('http', 'python').valid).toBe(true);
  });

  it('refuses a Node name equal to a template dependency', () => {
    const check = validatePluginName('express', 'node', { dependencyNames: ['express'] });
    expect(check.problems.map((p) => p.rule)).toEqual(['npm/dependency-name']);
    expect(check.suggestion).toBe('express-plugin');
  });
});

describe('suggestPluginName', () => {
  it.each([
    ['Acme AI', 'node', 'acme-ai'],
    ['../../etc/passwd', 'node', 'passwd'],
    ['con', 'go', 'con-plugin'],
    ['class', 'python', 'class-plugin'],
    ['3d', 'python', 'plugin-3d'],
    ['http', 'node', 'http-plugin'],
    ['???', 'go', 'my-plugin'],
    ['Café Bot', 'python', 'cafe-bot'],
  ] as [string, InitLanguage, string][])('%j (%s) -> %s', (name, language, expected) => {
    expect(suggestPluginName(name, language)).toBe(expected);
  });
});

describe('assertPluginName', () => {
  it('throws E_BAD_NAME with the rule and the suggestion', () => {
    let error: unknown;
    try {
      assertPluginName('My Plugin', 'node');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'E_BAD_NAME', exitCode: 2 });
    expect((error as Error).message).toContain('npm package names must be lower case');
    expect((error as { hint: string }).hint).toBe('Try "my-plugin".');
    expect((error as { details: { rule: string } }).details.rule).toBe('npm/uppercase');
  });

  it('does not throw for a good name', () => {
    expect(() => assertPluginName('acme-ai', 'python')).not.toThrow();
  });
});

it('derives the Python import name by PEP 8 normalisation', () => {
  expect(pythonImportName('Acme-AI')).toBe('acme_ai');
  expect(pythonImportName('a..b__c-d')).toBe('a_b_c_d');
});
