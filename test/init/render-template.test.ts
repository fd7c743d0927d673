import { readFileSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLiteral, outputName, renderTemplate, renderText } from '../../src/core/init/render-template.js';
import { TEMPLATE_KEYS, templateValues } from '../../src/core/init/template-values.js';
import type { ProviderApiSpec } from '../../src/core/init/provider-api.js';
import { answers, FAKE_API, removeAll, tempDir } from './helpers.js';

const cleanup: string[] = [];
afterEach(() => removeAll(...cleanup.splice(0)));

describe('renderText', () => {
  const values = { name: 'acme-ai', description: 'He said "hi"\nthen left \\ o/' };

  it('replaces every {{key}} and leaves other braces alone', () => {
    expect(renderText('# {{name}} / {{name}}', values)).toBe('# acme-ai / acme-ai');
    expect(renderText('${{ matrix.node }} {{ name }} {name}', values)).toBe('${{ matrix.node }} {{ name }} {name}');
  });

  it('{{key|json}} gives a JSON string literal with quotes, backslashes and newlines escaped', () => {
    const out = renderText('description: {{description|json}}', values);
    expect(out).toBe('description: "He said \\"hi\\"\\nthen left \\\\ o/"');
    expect(JSON.parse(out.slice('description: '.length))).toBe(values.description);
  });

  it('escapes characters that YAML or old JavaScript would reject raw', () => {
    expect(jsonLiteral('a\u2028b\u007fc')).toBe('"a\\u2028b\\u007fc"');
    expect(JSON.parse(jsonLiteral('a\u2028b\u007fc'))).toBe('a\u2028b\u007fc');
  });

  it('an unknown placeholder is a template bug (E_TEMPLATE_INVALID naming file and key)', () => {
    expect(() => renderText('{{nmae}}', values, 'README.md')).toThrow(
      expect.objectContaining({ code: 'E_TEMPLATE_INVALID', message: expect.stringContaining('README.md uses an unknown placeholder {{nmae}}') }),
    );
  });
});

describe('templateValues', () => {
  it('fills exactly the documented keys', () => {
    const values = templateValues(answers({ name: 'Acme.AI-x', capabilities: { streaming: false, functionCalling: true, vision: false } }), { ...FAKE_API, api: 'openai' } as ProviderApiSpec, new Date('2030-05-01T00:00:00Z'));
    expect(Object.keys(values).sort()).toEqual([...TEMPLATE_KEYS].sort());
    expect(values).toMatchObject({
      name: 'Acme.AI-x',
      package_name: 'Acme.AI-x',
      python_package: 'acme_ai_x',
      go_module: 'example.com/Acme.AI-x',
      streaming: 'false',
      function_calling: 'true',
      vision: 'false',
      port: '8090',
      version: '0.1.0',
      year: '2030',
    });
    expect(values.loom_plugin_version).toMatch(/^\d+\.\d+\.\d+/);
    // The action's repository comes from package.json, its one place.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { loomPlugin: { actionRepository: string } };
    expect(values.loom_plugin_action).toBe(pkg.loomPlugin.actionRepository);
  });
});

describe('renderTemplate', () => {
  it('renders text, copies binary files untouched, renames _gitignore, keeps modes, skips dev leftovers', async () => {
    const dir = await tempDir();
    cleanup.push(dir);
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x7b, 0x7b, 0x6e, 0x61, 0x6d, 0x65, 0x7d, 0x7d, 0xff]);
    await mkdir(join(dir, 'sub', 'node_modules'), { recursive: true });
    await mkdir(join(dir, '__pycache__'));
    await writeFile(join(dir, 'sub', 'node_modules', 'junk.js'), '{{nope}}');
    await writeFile(join(dir, '__pycache__', 'x.pyc'), 'x');
    await writeFile(join(dir, 'README.md'), 'Hello {{name}} ({{description|json}})');
    await writeFile(join(dir, 'logo.png'), binary);
    await writeFile(join(dir, '_gitignore'), '.venv/\n');
    await writeFile(join(dir, 'sub', '_dockerignore'), 'bin/\n');
    await writeFile(join(dir, 'sub', 'run.sh'), '#!/bin/sh\necho {{name}}\n');
    await chmod(join(dir, 'sub', 'run.sh'), 0o755);
    await writeFile(join(dir, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x7b, 0x7b, 0x6e, 0x61, 0x6d, 0x65, 0x7d, 0x7d]));

    const files = await renderTemplate(dir, { name: 'acme', description: 'd "q"' });
    expect(files.map((f) => f.path)).toEqual(['.gitignore', 'README.md', 'latin1.txt', 'logo.png', 'sub/.dockerignore', 'sub/run.sh']);
    const byPath = Object.fromEntries(files.map((f) => [f.path, f]));
    expect(byPath['README.md']!.content.toString()).toBe('Hello acme ("d \\"q\\"")');
    expect(byPath['logo.png']!.content.equals(binary)).toBe(true);
    expect(byPath['logo.png']!.binary).toBe(true);
    // Not valid UTF-8: treated as binary, so its "{{name}}" bytes stay as they are.
    expect(byPath['latin1.txt']!.binary).toBe(true);
    expect(byPath['latin1.txt']!.content.toString('latin1')).toBe('café {{name}}');
    expect(byPath['sub/run.sh']!.content.toString()).toBe('#!/bin/sh\necho acme\n');
    expect(byPath['sub/run.sh']!.mode & 0o111).not.toBe(0);
    expect(byPath['.gitignore']!.content.toString()).toBe('.venv/\n');
  });

  it('stops with InterruptedError when the signal fired', async () => {
    const dir = await tempDir();
    cleanup.push(dir);
    await writeFile(join(dir, 'a.txt'), 'a');
    const controller = new AbortController();
    controller.abort();
    await expect(renderTemplate(dir, {}, { signal: controller.signal })).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
  });

  it('maps only _gitignore and _dockerignore', () => {
    expect(outputName('_gitignore')).toBe('.gitignore');
    expect(outputName('_dockerignore')).toBe('.dockerignore');
    expect(outputName('_npmrc')).toBe('_npmrc');
    expect(outputName('_init_.py')).toBe('_init_.py');
  });
});
