/**
 * Config fields named like Object.prototype members (`__proto__`, `constructor`,
 * `toString`) pass validate, so `test` and `dev` must treat them as ordinary names: from
 * a --config file, from LOOM_CONFIG_* and from a dev config section.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDevConfig } from '../../src/core/dev/dev-config.js';
import type { Manifest } from '../../src/core/manifest/types.js';
import { runCli } from '../helpers/memory-io.js';
import { removeTempPlugins, tempPlugin } from './command-helpers.js';

const ODD_FIELDS = [
  '    - name: __proto__\n      type: string\n      required: true\n',
  '    - name: constructor\n      type: int\n      required: true\n',
  '    - name: toString\n      type: string\n      required: false\n',
].join('');

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'loom-odd-names-'));
});
afterAll(async () => {
  await removeTempPlugins();
  await rm(out, { recursive: true, force: true });
});

describe('fields named __proto__, constructor, toString', () => {
  it('pass validate --strict', async () => {
    const dir = await tempPlugin({ extraConfig: ODD_FIELDS });
    const { code, stdout } = await runCli(['validate', dir, '--strict']);
    expect(stdout).not.toContain('error');
    expect(code).toBe(0);
  });

  it.each([
    ['a YAML --config file', 'odd.yaml', '__proto__: from-yaml\nconstructor: 3\n', {}],
    ['a JSON --config file', 'odd.json', '{"__proto__": "from-json", "constructor": 4}', {}],
    ['LOOM_CONFIG_* variables', '', '', { LOOM_CONFIG___PROTO__: 'from-env', LOOM_CONFIG_CONSTRUCTOR: '5' }],
  ] as const)('test resolves them from %s (no E_CONFIG; the run reaches the checks)', async (_from, file, text, env) => {
    const dir = await tempPlugin({ extraConfig: ODD_FIELDS });
    const args = ['test', dir, '--only', 'lifecycle.initialize', '--reporter', 'json'];
    if (file) {
      await writeFile(join(out, file), text);
      args.push('--config', join(out, file));
    }
    const { code, stdout, stderr } = await runCli(args, { env: { PATH: process.env.PATH, ...env } });
    expect(stderr).not.toContain('E_CONFIG');
    expect(stdout).not.toContain('E_CONFIG');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { results: Array<{ id: string; status: string }> };
    expect(report.results).toEqual([expect.objectContaining({ id: 'lifecycle.initialize', status: 'pass' })]);
  }, 30_000);

  it('dev resolves them from a config section per provider_type', async () => {
    const file = join(out, 'sections.yaml');
    await writeFile(file, 'odd-plugin:\n  __proto__: sectioned\n  constructor: 6\n');
    const manifest = {
      type: 'http', endpoint: 'http://127.0.0.1:1',
      metadata: { name: 'odd', version: '1.0.0', provider_type: 'odd-plugin', config_schema: [{ name: '__proto__', type: 'string', required: true }, { name: 'constructor', type: 'int', required: true }] },
    } as Manifest;
    const config = await resolveDevConfig({ manifest, cwd: out, env: {}, configFile: file, sectioned: true, upstream: undefined, upstreamField: 'endpoint', answers: {} });
    expect(config.missingRequired).toEqual([]);
    expect(JSON.stringify(config.values)).toBe('{"__proto__":"sectioned","constructor":6}');
  });
});
