import { parse } from 'yaml';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scaffoldPlugin } from '../../src/core/init/scaffold.js';
import { answers, entries, fakeTemplates, removeAll, tempDir } from './helpers.js';

const cleanup: string[] = [];
afterEach(() => removeAll(...cleanup.splice(0)));

async function setup(extra: Record<string, string> = {}) {
  const templatesDir = await fakeTemplates(extra);
  const cwd = await tempDir();
  cleanup.push(templatesDir, cwd);
  return { templatesDir, cwd };
}

describe('scaffoldPlugin', () => {
  it('creates the folder with every rendered file and leaves no temporary folder', async () => {
    const { templatesDir, cwd } = await setup();
    const result = await scaffoldPlugin(answers(), { cwd, templatesDir });
    expect(result.dir).toBe(join(cwd, 'acme-ai'));
    expect(result.files).toEqual(['.gitignore', 'README.md', 'package.json', 'plugin.yaml', 'plugin.json', 'src/meta.js', 'src/upstream.js']);
    expect(await entries(cwd)).toEqual(['acme-ai']);
    const manifest = await readFile(join(result.dir, 'plugin.yaml'), 'utf8');
    expect(manifest).toContain('provider_type: "acme"');
    expect(manifest).not.toContain('{{');
    expect(result.manifestWarnings).toEqual([]);
  });

  it('writes plugin.json with the same content as plugin.yaml (the shipped host skips YAML)', async () => {
    const { templatesDir, cwd } = await setup();
    const result = await scaffoldPlugin(answers(), { cwd, templatesDir });
    const yamlValue = parse(await readFile(join(result.dir, 'plugin.yaml'), 'utf8')) as unknown;
    const jsonValue = JSON.parse(await readFile(join(result.dir, 'plugin.json'), 'utf8')) as { metadata: { provider_type: string } };
    expect(jsonValue).toEqual(yamlValue);
    expect(jsonValue.metadata.provider_type).toBe('acme');
  });

  it('uses --directory as the parent folder, creating it', async () => {
    const { templatesDir, cwd } = await setup();
    const result = await scaffoldPlugin(answers(), { cwd, templatesDir, directory: 'plugins/new' });
    expect(result.dir).toBe(join(cwd, 'plugins', 'new', 'acme-ai'));
    expect(existsSync(join(result.dir, 'plugin.yaml'))).toBe(true);
    expect(await entries(join(cwd, 'plugins', 'new'))).toEqual(['acme-ai']);
  });

  it('fills an existing empty folder', async () => {
    const { templatesDir, cwd } = await setup();
    await mkdir(join(cwd, 'acme-ai'));
    const result = await scaffoldPlugin(answers(), { cwd, templatesDir });
    expect(await entries(result.dir)).toContain('plugin.yaml');
    expect(await entries(cwd)).toEqual(['acme-ai']);
  });

  it('refuses a non-empty folder without --force and writes nothing', async () => {
    const { templatesDir, cwd } = await setup();
    await mkdir(join(cwd, 'acme-ai'));
    await writeFile(join(cwd, 'acme-ai', 'notes.txt'), 'mine');
    await expect(scaffoldPlugin(answers(), { cwd, templatesDir })).rejects.toMatchObject({
      code: 'E_TARGET_EXISTS',
      exitCode: 2,
      hint: expect.stringContaining('--force'),
    });
    expect(await entries(join(cwd, 'acme-ai'))).toEqual(['notes.txt']);
    expect(await entries(cwd)).toEqual(['acme-ai']);
  });

  it('refuses a file or a symbolic link at the target, even with --force', async () => {
    const { templatesDir, cwd } = await setup();
    await writeFile(join(cwd, 'acme-ai'), 'a file');
    await expect(scaffoldPlugin(answers(), { cwd, templatesDir, force: true })).rejects.toMatchObject({ code: 'E_TARGET_EXISTS' });
    const other = await tempDir();
    cleanup.push(other);
    await symlink(other, join(cwd, 'link-ai'));
    await expect(scaffoldPlugin(answers({ name: 'link-ai' }), { cwd, templatesDir, force: true })).rejects.toMatchObject({ code: 'E_TARGET_EXISTS', message: expect.stringContaining('symbolic link') });
    expect(await readdir(other)).toEqual([]);
  });

  it('--force keeps every user file: same content untouched, others moved to .bak, links never followed', async () => {
    const { templatesDir, cwd } = await setup();
    const dir = join(cwd, 'acme-ai');
    const outside = await tempDir();
    cleanup.push(outside);
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await writeFile(join(dir, 'README.md'), 'my readme');
    await writeFile(join(dir, 'README.md.bak'), 'older backup');
    await writeFile(join(dir, '.gitignore'), 'node_modules/\n');
    await symlink(outside, join(dir, 'src'));

    const result = await scaffoldPlugin(answers(), { cwd, templatesDir, force: true });
    expect(result.unchanged).toEqual(['.gitignore']);
    expect(result.backups).toEqual([
      { file: 'README.md', backup: 'README.md.bak.1' },
      { file: 'src', backup: 'src.bak' },
    ]);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(await readFile(join(dir, 'README.md.bak'), 'utf8')).toBe('older backup');
    expect(await readFile(join(dir, 'README.md.bak.1'), 'utf8')).toBe('my readme');
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toContain('# acme-ai');
    expect(await readFile(join(dir, 'src', 'meta.js'), 'utf8')).toContain('"acme-ai"');
    expect(await readdir(outside)).toEqual([]);
    expect((await entries(cwd)).filter((name) => name.includes('loom-init'))).toEqual([]);
  });

  it('a failure in the middle of writing leaves no target and no temporary folder', async () => {
    const { templatesDir, cwd } = await setup();
    let written = 0;
    await expect(scaffoldPlugin(answers(), {
      cwd,
      templatesDir,
      onProgress: (event) => {
        if (event.type === 'file' && ++written === 3) throw new Error('disk full (simulated)');
      },
    })).rejects.toThrow('disk full (simulated)');
    expect(written).toBe(3);
    expect(await entries(cwd)).toEqual([]);
  });

  it('a failure also removes the --directory folders it created, but not existing ones', async () => {
    const { templatesDir, cwd } = await setup();
    await mkdir(join(cwd, 'existing'));
    await expect(scaffoldPlugin(answers(), {
      cwd,
      templatesDir,
      directory: 'existing/new/deeper',
      onProgress: (event) => {
        if (event.type === 'file') throw new Error('simulated');
      },
    })).rejects.toThrow('simulated');
    expect(await entries(cwd)).toEqual(['existing']);
    expect(await entries(join(cwd, 'existing'))).toEqual([]);
  });

  it('an abort in the middle of writing throws InterruptedError and leaves nothing', async () => {
    const { templatesDir, cwd } = await setup();
    const controller = new AbortController();
    await expect(scaffoldPlugin(answers(), {
      cwd,
      templatesDir,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === 'file') controller.abort();
      },
    })).rejects.toMatchObject({ code: 'E_INTERRUPTED', exitCode: 130 });
    expect(await entries(cwd)).toEqual([]);
  });

  it('a template whose manifest fails validation is refused before anything is written', async () => {
    const { templatesDir, cwd } = await setup({ 'plugin.yaml': 'type: http\nmetadata:\n  name: {{name|json}}\n' });
    await expect(scaffoldPlugin(answers(), { cwd, templatesDir })).rejects.toMatchObject({
      code: 'E_TEMPLATE_INVALID',
      exitCode: 2,
      message: expect.stringContaining('fails validation'),
    });
    expect(await entries(cwd)).toEqual([]);
  });

  it('an unknown placeholder is refused before anything is written', async () => {
    const { templatesDir, cwd } = await setup({ 'docs/x.md': '{{unknown_key}}' });
    await expect(scaffoldPlugin(answers(), { cwd, templatesDir })).rejects.toMatchObject({ code: 'E_TEMPLATE_INVALID' });
    expect(await entries(cwd)).toEqual([]);
  });

  it('bad names and provider types end as E_BAD_NAME before anything is written', async () => {
    const { templatesDir, cwd } = await setup();
    await expect(scaffoldPlugin(answers({ name: '../evil' }), { cwd, templatesDir })).rejects.toMatchObject({ code: 'E_BAD_NAME' });
    await expect(scaffoldPlugin(answers({ name: 'express' }), { cwd, templatesDir })).rejects.toMatchObject({
      code: 'E_BAD_NAME',
      details: expect.objectContaining({ rule: 'npm/dependency-name' }),
    });
    await expect(scaffoldPlugin(answers({ providerType: 'Acme AI' }), { cwd, templatesDir })).rejects.toMatchObject({ code: 'E_BAD_NAME' });
    await expect(scaffoldPlugin(answers({ description: 'two\nlines' }), { cwd, templatesDir })).rejects.toMatchObject({ code: 'E_USAGE' });
    expect(await entries(cwd)).toEqual([]);
  });
});
