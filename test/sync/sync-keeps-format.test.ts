/**
 * `sync` fixes a manifest the way a careful person would by hand: only the key or value a
 * fix is about changes (or one line is added); flow sequences and mappings without
 * padding, unindented sequences, aligned values, comments, CRLF line ends and a JSON
 * file's own indentation stay byte for byte. It used to print the whole document back
 * through the YAML library, which re-padded `[a, b]` to `[ a, b ]`, re-indented
 * sequences and collapsed spacing. The scalar forms it writes are held to "yaml reads
 * them back as the same value" by a property test.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scalarText, stringText } from '../../src/core/sync/scalar-text.js';
import { runCli } from '../helpers/memory-io.js';

// Someone else's habits: no padding in flow collections, an unindented sequence, values
// aligned with spaces, comments everywhere, single quotes, a blank line, trailing notes.
const STRANGER = `# relay gateway, maintained by the infra team
type:      http
endpoint:  'http://127.0.0.1:7311/'   # behind the sidecar
metadata:
  name:    relay        # display name
  versoin: 0.9.1
  plugin_api_version: "1.0.0"
  provider_type: relay_hub
  capabilities: {streaming: true, function_calling: false, vision: false, embeddings: false, fine_tuning: false}
  config_schema:
  - name: token
    type: string
    required: true
    sensitive: true
command: python3
args: ["relay.py", "--port", '7311']

health_check_interval: 20   # seconds
# notes: see the runbook
`;

const EXPECTED = STRANGER.replace("'http://127.0.0.1:7311/'", "'http://127.0.0.1:7311'")
  .replace('  versoin: 0.9.1', '  version: 0.9.1')
  .replace('health_check_interval: 20   # seconds\n', 'health_check_interval: 20   # seconds\nauto_start: true\n');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-sync-format-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const read = (name: string) => readFile(join(dir, name), 'utf8');

describe('sync changes only what it fixes', () => {
  it('a YAML manifest keeps every line it does not fix, byte for byte', async () => {
    await writeFile(join(dir, 'plugin.yaml'), STRANGER);
    const result = await runCli(['sync'], { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('set auto_start: true');
    expect(result.stdout).toContain('removed the trailing "/" from endpoint');
    expect(result.stdout).toMatch(/plugin\.yaml:6: renamed "versoin" to "version" in metadata/);
    expect(await read('plugin.yaml')).toBe(EXPECTED);
    expect(JSON.parse(await read('plugin.json'))).toEqual(parse(EXPECTED));
    expect((await runCli(['validate'], { cwd: dir })).code).toBe(0);
  });

  it('CRLF line ends stay CRLF, the added line included', async () => {
    await writeFile(join(dir, 'plugin.yaml'), STRANGER.replace(/\n/g, '\r\n'));
    expect((await runCli(['sync'], { cwd: dir })).code).toBe(0);
    expect(await read('plugin.yaml')).toBe(EXPECTED.replace(/\n/g, '\r\n'));
  });

  it('a file without a final newline gets the added key on a line of its own', async () => {
    await writeFile(join(dir, 'plugin.yaml'), STRANGER.replace('\n# notes: see the runbook\n', ''));
    expect((await runCli(['sync'], { cwd: dir })).code).toBe(0);
    expect(await read('plugin.yaml')).toBe(EXPECTED.replace('\nauto_start: true\n# notes: see the runbook\n', '\nauto_start: true\n'));
  });

  it('a plugin.json edited in place keeps its own indentation and key order', async () => {
    const data = parse(STRANGER) as Record<string, unknown>;
    const metadata = data.metadata as Record<string, unknown>;
    data.metadata = { ...metadata, version: metadata.versoin };
    delete (data.metadata as Record<string, unknown>).versoin;
    const text = `${JSON.stringify(data, null, 4)}\n`;
    await writeFile(join(dir, 'plugin.json'), text);
    const result = await runCli(['sync'], { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const expected = text.replace('"http://127.0.0.1:7311/"', '"http://127.0.0.1:7311"').replace('"health_check_interval": 20\n}', '"health_check_interval": 20,\n    "auto_start": true\n}');
    expect(await read('plugin.json')).toBe(expected);
  });

  it('a plugin.yaml written as JSON stays JSON: an added key is quoted as its siblings are', async () => {
    const text = '{\n    "type": "http",\n    "endpoint": "http://127.0.0.1:7311",\n    "command": "python3",\n    "metadata": {"name": "relay", "version": "0.9.1", "plugin_api_version": "1.0.0", "provider_type": "relay_hub"}\n}\n';
    await writeFile(join(dir, 'plugin.yaml'), text);
    const result = await runCli(['sync'], { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const fixed = await read('plugin.yaml');
    expect(fixed).toBe(text.replace('"provider_type": "relay_hub"}\n}', '"provider_type": "relay_hub"},\n    "auto_start": true\n}'));
    expect(JSON.parse(fixed)).toEqual({ ...JSON.parse(text), auto_start: true });
  });

  it('a double-quoted or plain value keeps its style', async () => {
    for (const [written, fixed] of [['"http://127.0.0.1:7311/"', '"http://127.0.0.1:7311"'], ['http://127.0.0.1:7311/', 'http://127.0.0.1:7311']] as const) {
      await writeFile(join(dir, 'plugin.yaml'), EXPECTED.replace("'http://127.0.0.1:7311'", written));
      expect((await runCli(['sync'], { cwd: dir })).code).toBe(0);
      expect(await read('plugin.yaml')).toBe(EXPECTED.replace("'http://127.0.0.1:7311'", fixed));
    }
  });
});

describe('the scalar forms sync writes read back as the same value', () => {
  const styles = ['', 'plain', "'single'", '"double"'];

  it('any string, in any style of the node it replaces, in block and flow context', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom(...styles), (value, style) => {
        const text = stringText(value, style, false);
        expect(parse(`key: ${text}\n`)).toEqual({ key: value });
        expect(parse(`key: [${text}, x]\n`)).toEqual({ key: [value, 'x'] });
        expect(parse(`{ ${stringText('key', style, false)}: ${text} }\n`)).toEqual({ key: value });
      }),
      { numRuns: 2000 },
    );
  });

  it('URLs, booleans and numbers', () => {
    fc.assert(
      fc.property(fc.oneof(fc.webUrl(), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0))), fc.constantFrom(...styles), (value, style) => {
        expect(parse(`key: ${scalarText(value, style, false)}\n`)).toEqual({ key: value });
        expect(JSON.parse(`{"key": ${scalarText(value, style, true)}}`)).toEqual({ key: value });
      }),
      { numRuns: 1000 },
    );
  });
});
