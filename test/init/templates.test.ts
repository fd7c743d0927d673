/**
 * The real templates through the real scaffold (no install): the rendered file list is
 * pinned (so a file added to or removed from a template is noticed), every placeholder
 * is replaced, and the generated manifest passes our validator without warnings.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scaffoldPlugin } from '../../src/core/init/scaffold.js';
import type { InitLanguage } from '../../src/core/init/types.js';
import { answers, removeAll, tempDir } from './helpers.js';

const cleanup: string[] = [];
afterAll(() => removeAll(...cleanup));

async function scaffold(language: InitLanguage) {
  const cwd = await tempDir();
  cleanup.push(cwd);
  return scaffoldPlugin(answers({
    name: `acme-${language}`,
    language,
    providerType: 'acme',
    description: 'Says "hi"; costs $0 & {braces}',
    author: "O'Brien \\ Co",
  }), { cwd, now: new Date('2030-01-01T00:00:00Z') });
}

describe.each(['python', 'node', 'go'] as InitLanguage[])('%s template', (language) => {
  it('renders every placeholder and passes validation without warnings', async () => {
    const result = await scaffold(language);
    expect(result.manifestWarnings).toEqual([]);
    for (const file of result.files) {
      const text = await readFile(join(result.dir, file), 'utf8');
      expect(text, file).not.toMatch(/\{\{[A-Za-z_][A-Za-z0-9_]*(\|json)?\}\}/);
    }
    const manifest = await readFile(join(result.dir, 'plugin.yaml'), 'utf8');
    expect(manifest.split('\n')[0]).toBe('# yaml-language-server: $schema=https://unpkg.com/loom-plugin/schemas/manifest.schema.json');
    expect(manifest).toContain('provider_type: "acme"');
    expect(manifest).toContain('"Says \\"hi\\"; costs $0 & {braces}"');
  });
});

describe('rendered file lists (update deliberately with vitest -u when a template changes)', () => {
  it('python', async () => {
    expect((await scaffold('python')).files).toMatchInlineSnapshot(`
      [
        ".dockerignore",
        ".github/workflows/conformance.yml",
        ".gitignore",
        "Dockerfile",
        "README.md",
        "plugin.py",
        "plugin.yaml",
        "plugin.json",
        "provider/__init__.py",
        "provider/app.py",
        "provider/errors.py",
        "provider/settings.py",
        "provider/transport.py",
        "provider/upstream.py",
        "provider/wire.py",
        "pyproject.toml",
        "requirements-dev.txt",
        "requirements.txt",
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/fake_openai.py",
        "tests/fake_server.py",
        "tests/fake_upstream.py",
        "tests/test_chat.py",
        "tests/test_lifecycle.py",
        "tests/test_retry_after.py",
        "tests/test_server.py",
        "tests/test_transport.py",
        "tests/test_upstream_faults.py",
      ]
    `);
  });
  it('node', async () => {
    expect((await scaffold('node')).files).toMatchInlineSnapshot(`
      [
        ".dockerignore",
        ".github/workflows/conformance.yml",
        ".gitignore",
        "Dockerfile",
        "README.md",
        "package.json",
        "plugin.yaml",
        "plugin.json",
        "server.js",
        "src/app.js",
        "src/errors.js",
        "src/http.js",
        "src/settings.js",
        "src/upstream.js",
        "src/wire.js",
        "test/chat.test.js",
        "test/fake-openai.js",
        "test/fake-server.js",
        "test/fake-upstream.js",
        "test/helpers.js",
        "test/lifecycle.test.js",
        "test/retry-after.test.js",
        "test/server.test.js",
        "test/upstream-faults.test.js",
      ]
    `);
  });
  it('go', async () => {
    expect((await scaffold('go')).files).toMatchInlineSnapshot(`
      [
        ".dockerignore",
        ".github/workflows/conformance.yml",
        ".gitignore",
        "Dockerfile",
        "README.md",
        "chat_test.go",
        "errors.go",
        "errors_test.go",
        "fake_openai_test.go",
        "fake_server_test.go",
        "fake_upstream_test.go",
        "go.mod",
        "handlers.go",
        "main.go",
        "plugin.yaml",
        "plugin.json",
        "plugin_test.go",
        "settings.go",
        "shapes.go",
        "stream.go",
        "upstream.go",
        "upstream_errors.go",
        "upstream_faults_test.go",
        "upstream_http.go",
        "wire.go",
      ]
    `);
  });
});
