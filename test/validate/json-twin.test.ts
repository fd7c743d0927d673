/**
 * plugin.json beside plugin.yaml (docs/protocol.md's workaround for the shipped host's
 * YAML defect) is one plugin, not a duplicate provider_type — unless the two differ.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

  it('keepManifests: false (the CLI) gives the same findings, twins still compared, and keeps no manifest data', async () => {
    const manifest = parse(yamlText) as { metadata: { version: string; provider_type: string } };
    const put = async (folder: string, name: string, text: string): Promise<void> => {
      await mkdir(join(dir, folder), { recursive: true });
      await writeFile(join(dir, folder, name), text);
    };
    await put('same', 'plugin.yaml', yamlText.replace(/provider_type: .*/, 'provider_type: same'));
    await put('same', 'plugin.json', JSON.stringify({ ...manifest, metadata: { ...manifest.metadata, provider_type: 'same' } }, null, 2));
    await put('differ', 'plugin.yaml', yamlText.replace(/provider_type: .*/, 'provider_type: differ'));
    await put('differ', 'plugin.json', JSON.stringify({ ...manifest, metadata: { ...manifest.metadata, provider_type: 'differ', version: '9.9.9' } }, null, 2));
    await put('alone', 'plugin.yaml', yamlText);
    const kept = await validatePaths([dir], { cwd: dir });
    const dropped = await validatePaths([dir], { cwd: dir, keepManifests: false });
    const findings = (report: typeof kept): unknown[] => report.files.map((file) => [file.file, file.diagnostics]);
    expect(findings(dropped)).toEqual(findings(kept));
    expect(kept.files.flatMap((file) => file.diagnostics).map((d) => d.rule).sort()).toEqual(['manifest/yaml-only', 'provider-type/duplicate', 'provider-type/twin-mismatch']);
    expect(kept.files.filter((file) => file.manifest).length).toBeGreaterThan(0);
    expect(dropped.files.filter((file) => file.manifest)).toEqual([]);
    expect([dropped.errorCount, dropped.warningCount]).toEqual([kept.errorCount, kept.warningCount]);
  });
});
