/**
 * A failed build's output is quoted in every report, and a build script can print the
 * environment it was given (LOOM_CONFIG_* included): the quote is masked like the
 * plugin's own stderr. Secrets with a quote, a backslash and a literal-looking pin.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryIo } from '../helpers/memory-io.js';

const KEY = 'sk-"bu\\ild"-secret-91';
const PIN = '12';

// The build prints both values the way a careless script would, then fails.
const BUILD = "console.log('key=' + process.env.LOOM_CONFIG_API_KEY + ' pin=' + process.env.LOOM_CONFIG_PIN); console.error('main.c:3: error'); process.exit(2)";
const MANIFEST = `type: http
endpoint: http://127.0.0.1:18182
command: node
args: ["server.mjs"]
build:
  command: node
  args: ["-e", ${JSON.stringify(BUILD)}]
metadata:
  name: leaky-build
  version: 1.0.0
  plugin_api_version: 1.0.0
  provider_type: leaky-build
  config_schema:
    - name: api_key
      type: string
      required: true
      sensitive: true
    - name: pin
      type: int
      required: true
      sensitive: true
auto_start: true
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-build-secret-'));
  await writeFile(join(dir, 'plugin.yaml'), MANIFEST);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a failed build that prints the secrets', () => {
  it.each(['human', 'json', 'junit', 'github'])('--reporter %s shows its output with the secrets masked', async (reporter) => {
    const summary = join(dir, `summary-${reporter}.md`);
    const io = memoryIo({ cwd: dir, env: { PATH: process.env.PATH, LOOM_CONFIG_API_KEY: KEY, LOOM_CONFIG_PIN: PIN, GITHUB_STEP_SUMMARY: summary } });
    const code = await main(['test', '.', '--reporter', reporter, '--output-dir', join(dir, `out-${reporter}`)], io);
    expect(code).toBe(3);
    const files = await Promise.all(['loom-plugin-test.json', 'loom-plugin-test.xml'].map((name) => readFile(join(dir, `out-${reporter}`, name), 'utf8').catch(() => '')));
    const text = [io.stdout.text, io.stderr.text, ...files, await readFile(summary, 'utf8').catch(() => '')].join('\n');
    // The build really ran and its output is shown (else there is nothing to mask).
    expect(text).toContain('main.c:3: error');
    expect(text).toContain('key=***');
    for (const form of [KEY, JSON.stringify(KEY).slice(1, -1), 'bu\\ild', 'bu&quot;'] ) expect(text).not.toContain(form);
    expect(text).not.toMatch(/pin=12\b/);
  });
});
