/**
 * No secret leaves `loom-plugin test` through any reporter (human, JSON, JUnit, GitHub
 * annotations and step summary; on stdout and in --output-dir), with secrets of the
 * awkward kind: a key with a quote, a backslash and non-ASCII, a token that reads `true`
 * and a pin of 12, next to a bool switch named like a key. Two ways in: a plugin that
 * prints its config (plain and JSON-escaped), and configuration errors about those values.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/memory-io.js';
import { REFERENCE_SERVER, removeTempPlugins, tempPlugin } from './command-helpers.js';

const KEY = 'sk-"quo\\ted"-clé-7319';
const KEY_FORMS = [KEY, JSON.stringify(KEY).slice(1, -1), 'cl\\u00e9-7319', encodeURIComponent(KEY), 'quo\\\\ted'];
const EXTRA_FIELDS = [
  '    - name: org_token\n      type: string\n      required: true\n      sensitive: true\n',
  '    - name: pin\n      type: int\n      required: true\n      sensitive: true\n',
  '    - name: use_api_key\n      type: bool\n      default: true\n',
].join('');

function expectNoSecret(text: string, where: string): void {
  for (const form of KEY_FORMS) expect(text, `${where} shows the key as ${form}`).not.toContain(form);
  // The wrapper writes each value in brackets, and the env as JSON.
  expect(text, where).not.toMatch(/org=\[true\]|pin=\[12\]|ORG_TOKEN":"true"|PIN":"12"/);
}

let out: string;
let dir: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'loom-test-leaks-'));
  dir = await tempPlugin({
    wrapper: [
      `const e = process.env;`,
      `console.error('key=[' + e.LOOM_CONFIG_API_KEY + '] org=[' + e.LOOM_CONFIG_ORG_TOKEN + '] pin=[' + e.LOOM_CONFIG_PIN + ']');`,
      `console.error(JSON.stringify(Object.fromEntries(Object.entries(e).filter(([k]) => k.startsWith('LOOM_CONFIG_')))));`,
      `await import(${JSON.stringify(REFERENCE_SERVER)});`,
    ].join('\n'),
    extraConfig: EXTRA_FIELDS,
  });
});
afterAll(async () => {
  await removeTempPlugins();
  await rm(out, { recursive: true, force: true });
});

/** Every reporter, on stdout and in --output-dir; returns each place's text. */
const REPORTER_RUNS: Array<[string, string[]]> = [
  ['human', ['--reporter', 'human']],
  ['json', ['--reporter', 'json']],
  ['junit', ['--reporter', 'junit']],
  ['github', ['--reporter', 'github']],
  ['all to --output-dir', ['--reporter', 'human,json,junit,github', '--output-dir', 'REPORTS']],
];

async function runEverywhere(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const run = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  const reports = join(out, run);
  const summary = join(out, `${run}-summary.md`);
  const texts: Record<string, string> = {};
  const finalArgs = args.map((arg) => (arg === 'REPORTS' ? reports : arg));
  const { stdout, stderr } = await runCli(['test', dir, ...finalArgs], { env: { PATH: process.env.PATH, GITHUB_STEP_SUMMARY: summary, ...env } });
  texts.stdout = stdout;
  texts.stderr = stderr;
  for (const file of await readdir(reports).catch(() => [] as string[])) texts[file] = await readFile(join(reports, file), 'utf8');
  const step = await readFile(summary, 'utf8').catch(() => undefined);
  if (step !== undefined) texts['step summary'] = step;
  return texts;
}

describe('a plugin that prints its awkward secrets', () => {
  it.each(REPORTER_RUNS)('%s: every output is masked and machine formats still parse', async (name, args) => {
    const config = join(out, `leak-${name.replace(/\W/g, '')}.yaml`);
    await writeFile(config, `api_key: ${JSON.stringify(KEY)}\norg_token: "true"\npin: 12\n`);
    // metadata.* fails (the extra fields are not in /metadata): failure details, curl lines and the log tail are printed.
    const texts = await runEverywhere(name, [...args, '--config', config, '--only', 'metadata.*,lifecycle.initialize,lifecycle.config-wrong-type,chat.forwarded'], {});
    expect(Object.keys(texts).length).toBeGreaterThanOrEqual(2);
    for (const [where, text] of Object.entries(texts)) expectNoSecret(text, `${name} ${where}`);
    const all = Object.values(texts).join('\n');
    if (name !== 'human') expect(all).toContain('metadata.matches-manifest');
    if (name === 'json') {
      const report = JSON.parse(texts.stdout!) as { logTail?: string };
      expect(report.logTail).toContain('key=[***] org=[***] pin=[***]');
    }
    if (name === 'all to --output-dir') {
      expect(Object.keys(texts)).toEqual(expect.arrayContaining(['loom-plugin-test.json', 'loom-plugin-test.xml', 'loom-plugin-test.md', 'step summary']));
      expect(() => JSON.parse(texts['loom-plugin-test.json']!)).not.toThrow();
    }
  }, 60_000);
});

describe('configuration errors about awkward secrets', () => {
  const CASES: Array<[string, string, string, NodeJS.ProcessEnv]> = [
    ['a key written as a list', 'list.yaml', `api_key: [${JSON.stringify(KEY)}]\norg_token: x\npin: 1\n`, {}],
    ['a JSON syntax error after the key', 'syntax.json', `{"api_key": ${JSON.stringify(KEY)} "pin": 1}`, {}],
    ['a YAML syntax error around the key', 'syntax.yaml', `api_key: ${JSON.stringify(KEY)}\norg_token: [x\n`, {}],
    ['a pin that is not an integer (env)', '', '', { LOOM_CONFIG_PIN: KEY, LOOM_CONFIG_API_KEY: 'k', LOOM_CONFIG_ORG_TOKEN: 'o' }],
  ];
  for (const [what, file, text, env] of CASES) {
    it.each(REPORTER_RUNS)(`${what}: %s says E_CONFIG without the value`, async (name, args) => {
      const configArgs: string[] = [];
      if (file) {
        const path = join(out, `${name.replace(/\W/g, '')}-${file}`);
        await writeFile(path, text);
        configArgs.push('--config', path);
      }
      const texts = await runEverywhere(name, [...args, ...configArgs], env);
      const all = Object.values(texts).join('\n');
      expect(all).toMatch(name === 'human' ? /config/i : /E_CONFIG/);
      // The places that are easy to forget really were written.
      if (name.includes('github') || name.includes('output-dir')) expect(texts['step summary'], name).toContain('could not run');
      if (name.includes('output-dir')) expect(Object.keys(texts)).toEqual(expect.arrayContaining(['loom-plugin-test.json', 'loom-plugin-test.xml']));
      for (const [where, output] of Object.entries(texts)) expectNoSecret(output, `${name} ${where}`);
    }, 30_000);
  }
});
