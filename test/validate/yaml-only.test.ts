/**
 * `manifest/yaml-only`: a plugin.yaml without a plugin.json beside it is a warning in
 * validate and (same id) a required check in `loom-plugin test`; a twin clears it, and
 * YAML files the host never discovers (other names) are not flagged.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePaths } from '../../src/core/validate/validate-paths.js';
import { CHECKS } from '../../src/core/conformance/catalogue.js';

const MANIFEST = `type: http
endpoint: http://127.0.0.1:8090
auto_start: true
command: python3
args: [plugin.py]
metadata:
  name: Twin Test
  version: 1.0.0
  provider_type: twin-test
  plugin_api_version: "1.0.0"
`;

describe('manifest/yaml-only', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'loom-yaml-only-'));
    for (const dir of ['alone', 'twinned', 'other-name']) await mkdir(join(work, dir));
    await writeFile(join(work, 'alone', 'plugin.yaml'), MANIFEST);
    await writeFile(join(work, 'twinned', 'plugin.yaml'), MANIFEST);
    const { parse } = await import('yaml');
    await writeFile(join(work, 'twinned', 'plugin.json'), JSON.stringify(parse(MANIFEST), null, 2));
    await writeFile(join(work, 'other-name', 'acme.yaml'), MANIFEST.replace('twin-test', 'acme'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('warns on a plugin.yaml without a plugin.json, with the fix', async () => {
    const report = await validatePaths([join(work, 'alone')], { cwd: work });
    const [finding] = report.files.flatMap((file) => file.diagnostics);
    expect(finding).toMatchObject({ rule: 'manifest/yaml-only', severity: 'warning' });
    expect(finding?.message).toMatch(/shipped Loom host .* skips this plugin/);
    expect(finding?.hint).toMatch(/loom-plugin sync/);
  });

  it('says nothing with a plugin.json twin, or for a YAML file the host never discovers', async () => {
    const twinned = await validatePaths([join(work, 'twinned')], { cwd: work });
    expect(twinned.files.flatMap((file) => file.diagnostics)).toEqual([]);
    const other = await validatePaths([join(work, 'other-name', 'acme.yaml')], { cwd: work });
    expect(other.files.flatMap((file) => file.diagnostics)).toEqual([]);
  });

  it('is the id of the same rule in loom-plugin test, as are the other host rules', () => {
    const hostRules = CHECKS.filter((check) => check.endpoint === 'manifest' || check.id.includes('/')).map((check) => check.id);
    expect(hostRules).toEqual(['manifest/yaml-only', 'auto-start/disabled', 'file/bom', 'env/unquoted-value', 'endpoint/trailing-slash']);
  });
});
