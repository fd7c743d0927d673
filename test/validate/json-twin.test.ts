/**
 * plugin.json beside plugin.yaml (docs/protocol.md's workaround for the shipped host's
 * YAML defect) is one plugin, not a duplicate provider_type — unless the two differ.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validatePaths } from '../../src/core/validate/validate-paths.js';

const REFERENCE = resolve(import.meta.dirname, '../fixtures/plugins/reference/plugin.yaml');

describe('plugin.json twin of plugin.yaml', () => {
  let dir: string;
  let yamlText: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loom-twin-'));
    yamlText = await readFile(REFERENCE, 'utf8');
    await writeFile(join(dir, 'plugin.yaml'), yamlText);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('identical twins are one plugin: no finding', async () => {
    await writeFile(join(dir, 'plugin.json'), JSON.stringify(parse(yamlText), null, 2));
    const report = await validatePaths([dir], { cwd: dir });
    expect(report.files).toHaveLength(2);
    expect(report.errorCount).toBe(0);
    expect(report.files.flatMap((file) => file.diagnostics)).toEqual([]);
  });

  it('twins that differ are an error naming both files', async () => {
    const manifest = parse(yamlText) as { metadata: { version: string } };
    manifest.metadata.version = '9.9.9';
    await writeFile(join(dir, 'plugin.json'), JSON.stringify(manifest, null, 2));
    const report = await validatePaths([dir], { cwd: dir });
    const findings = report.files.flatMap((file) => file.diagnostics);
    expect(findings.map((d) => d.rule)).toEqual(['provider-type/twin-mismatch']);
    expect(findings[0]?.message).toContain('plugin.');
    expect(findings[0]?.line).toBeGreaterThan(0);
    expect(report.errorCount).toBe(1);
  });

  it('the same provider_type in two different folders is still a duplicate', async () => {
    const other = await mkdtemp(join(dir, 'other-'));
    await writeFile(join(other, 'plugin.json'), JSON.stringify(parse(yamlText), null, 2));
    const report = await validatePaths([dir], { cwd: dir });
    expect(report.files.flatMap((file) => file.diagnostics).map((d) => d.rule)).toEqual(['provider-type/duplicate']);
  });
});
