/**
 * `command: run.sh` with run.sh beside the manifest: a bare name is looked up on PATH only,
 * so test and dev (no shell, the plugin folder as working directory) would not find it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkManifestFile } from '../../src/core/validate/check-manifest.js';

const manifest = (command: string): string =>
  `type: http\nendpoint: http://127.0.0.1:8090\nauto_start: true\ncommand: ${command}\nmetadata:\n  name: Relay\n  version: 0.3.0\n  plugin_api_version: "1.0.0"\n  provider_type: relay\n`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'command-script-'));
  await writeFile(join(dir, 'boot.sh'), '#!/bin/sh\nexec node relay.mjs\n', { mode: 0o644 });
  // A file named like a tool that is on PATH: the tool wins, as it would at start-up.
  await writeFile(join(dir, 'node'), 'not the node binary\n', { mode: 0o755 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function findings(command: string, name = 'plugin.yaml', text = manifest(command)): Promise<string[]> {
  const file = join(dir, name);
  await writeFile(file, text);
  const result = await checkManifestFile(file);
  return result.diagnostics.map((d) => `${d.rule} ${d.line}:${d.column} ${d.severity} ${d.hint ?? ''}`);
}

describe('command/not-on-path', () => {
  it('a script that is not executable either: ./boot.sh and chmod +x, at the command value', async () => {
    expect(await findings('boot.sh')).toEqual(['command/not-on-path 4:10 warning Set `command: ./boot.sh` in the manifest and make it executable (chmod +x boot.sh).']);
  });

  it('in plugin.json too, at the value', async () => {
    const json = JSON.stringify({ type: 'http', endpoint: 'http://127.0.0.1:8090', auto_start: true, command: 'boot.sh', metadata: { name: 'Relay', version: '0.3.0', plugin_api_version: '1.0.0', provider_type: 'relay' } }, null, 2);
    expect((await findings('', 'plugin.json', json)).map((f) => f.split(' ').slice(0, 2).join(' '))).toEqual(['command/not-on-path 5:14']);
  });

  it('says nothing for a path, a name on PATH, or a bare name with no file of that name beside the manifest', async () => {
    expect(await findings('./boot.sh')).toEqual([]);
    expect(await findings('node')).toEqual([]);
    expect(await findings('relay-server')).toEqual([]);
  });
});
