/**
 * A plugin.json twin beside plugin.yaml (the workaround for the shipped host's YAML
 * defect) is one plugin to `dev`, in a plugin folder and in a folder of plugins; twins
 * that differ are still a second plugin, refused like any duplicate provider_type.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverPlugins } from '../../src/core/dev/discover-plugins.js';

const ALPHA = resolve(import.meta.dirname, '../fixtures/dev/multi/alpha');

describe('dev discovery with plugin.json twins', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'loom-dev-twins-'));
    await cp(ALPHA, join(work, 'plugins', 'alpha'), { recursive: true });
    const yamlText = await readFile(join(ALPHA, 'plugin.yaml'), 'utf8');
    await writeFile(join(work, 'plugins', 'alpha', 'plugin.json'), JSON.stringify(parse(yamlText)));
    const differing = parse(yamlText) as { metadata: { version: string } };
    differing.metadata.version = '9.9.9';
    await cp(ALPHA, join(work, 'drift', 'alpha'), { recursive: true });
    await writeFile(join(work, 'drift', 'alpha', 'plugin.json'), JSON.stringify(differing));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('a folder of plugins hosts identical twins once', async () => {
    const discovery = await discoverPlugins('plugins', work);
    expect(discovery.plugins.map((p) => [p.key, p.refusedBy])).toEqual([['alpha', undefined]]);
  });

  it('a plugin folder with identical twins is one plugin', async () => {
    const discovery = await discoverPlugins(join('plugins', 'alpha'), work);
    expect(discovery.plugins).toHaveLength(1);
    expect(discovery.plugins[0]?.result.manifest?.metadata.provider_type).toBe('alpha');
  });

  it('twins that differ: the second is refused as a duplicate', async () => {
    const discovery = await discoverPlugins('drift', work);
    expect(discovery.plugins.map((p) => Boolean(p.refusedBy))).toEqual([false, true]);
  });
});
