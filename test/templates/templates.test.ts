/**
 * The init templates are real projects: rendered with awkward values they must leave no
 * placeholder behind, ship a manifest that passes `validate --strict`, pass their own test
 * suites (pytest, node --test, go test) and pass `loom-plugin test --strict` against the
 * mock upstream. Dependencies are cached in os.tmpdir() (see toolchains.ts), so only the
 * first run installs anything.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkManifestText } from '../../src/core/validate/check-manifest.js';
import { runCli } from '../helpers/memory-io.js';
import type { ProviderApi } from '../../src/core/init/provider-api.js';
import { apiSpec, renderTemplateDir, TEMPLATES_DIR, testValues, type Values } from './render.js';
import { hasCommand, linkNodeModules, linkPythonVenv, run } from './toolchains.js';

const SCHEMA_LINE = '# yaml-language-server: $schema=https://unpkg.com/loom-plugin/schemas/manifest.schema.json';
// Quotes, backslashes, a newline, non-ASCII and U+2028: the |json filter must keep every
// language's source valid with these.
const AWKWARD = 'Says "hi" \\ to C:\\path,\nnew line, caf\u00e9 \u2713 \u2028end';

interface Language {
  name: 'python' | 'node' | 'go';
  available: boolean;
  /** Installs what the manifest's command needs (as `init --install` would). */
  install: (dir: string) => Promise<void>;
  unitTests: [string, string[]];
}

const LANGUAGES: Language[] = [
  {
    name: 'python',
    available: hasCommand('python3'),
    install: linkPythonVenv,
    unitTests: ['.venv/bin/python', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider']],
  },
  { name: 'node', available: true, install: linkNodeModules, unitTests: ['npm', ['test', '--silent']] },
  {
    name: 'go',
    available: hasCommand('go', ['version']),
    install: async (dir) => {
      const build = await run('go', ['build', '-o', 'bin/plugin', '.'], { cwd: dir, timeoutMs: 600_000 });
      if (build.code !== 0) throw new Error(`go build failed:\n${build.output}`);
    },
    unitTests: ['go', ['test', './...']],
  },
];

const VARIANTS: Array<{ label: string; values: Values; api: ProviderApi; runs: boolean }> = [
  {
    label: 'all capabilities on',
    values: testValues('acme-ai', { description: AWKWARD, author: 'Zoë "Z" O\'Neil', vision: 'true' }),
    api: 'openai',
    runs: true,
  },
  {
    label: 'all capabilities off, another port',
    values: testValues('plain-plugin', { streaming: 'false', function_calling: 'false', vision: 'false', port: '9123', license: 'Apache-2.0' }),
    api: 'openai',
    runs: true,
  },
];

/**
 * Every other provider API with an adapter: one variant each, with every capability its
 * adapter supports switched on. Here they are rendered and their manifests and READMEs
 * checked; their own tests and test --strict run in the end-to-end tests
 * (test/e2e/init-end-to-end.ts), so CI runs them once.
 */
const OTHER_APIS: ProviderApi[] = ['anthropic', 'gemini', 'ollama', 'cohere', 'azure-openai'];

function variantsOf(language: Language['name']) {
  const others = OTHER_APIS.filter((api) => existsSync(join(TEMPLATES_DIR, language, 'adapters', api))).map((api) => {
    const supports = apiSpec(api).supports;
    return {
      label: `${api} adapter`,
      values: testValues(`${api}-bridge`, { streaming: String(supports.streaming), function_calling: String(supports.function_calling), vision: String(supports.vision) }, api),
      api,
      runs: false,
    };
  });
  return [...VARIANTS, ...others];
}

const root = await mkdtemp(join(tmpdir(), 'loom-plugin-templates-'));
afterAll(() => rm(root, { recursive: true, force: true }));

for (const language of LANGUAGES) {
  // Missing toolchains are a skip on a developer machine, never in CI.
  const runnable = language.available || Boolean(process.env.CI);
  for (const [index, variant] of variantsOf(language.name).entries()) {
    describe(`${language.name} template (${variant.label})`, () => {
      const dir = join(root, `${language.name}-${index}`);
      let files: string[] = [];
      beforeAll(async () => {
        files = await renderTemplateDir(language.name, dir, variant.values, variant.api);
      });

      it('replaces every placeholder and renames _gitignore', async () => {
        expect(files).toContain('.gitignore');
        expect(files).not.toContain('_gitignore');
        for (const file of files) {
          const text = await readFile(join(dir, file), 'utf8');
          expect(text, file).not.toMatch(/\{\{\s*[A-Za-z_][A-Za-z0-9_]*(\|\w+)?\s*\}\}/);
        }
      });

      it('ships a manifest that passes validate --strict and says what the values say', async () => {
        const text = await readFile(join(dir, 'plugin.yaml'), 'utf8');
        expect(text.split('\n')[0]).toBe(SCHEMA_LINE);
        const result = await checkManifestText(text, join(dir, 'plugin.yaml'));
        expect(result.diagnostics).toEqual([]);
        const manifest = parse(text) as Record<string, any>;
        const values = variant.values;
        expect(manifest.endpoint).toBe(`http://127.0.0.1:${values.port}`);
        expect(manifest.env).toEqual({ PORT: values.port });
        expect(manifest.auto_start).toBe(true);
        expect(manifest.metadata).toMatchObject({
          name: values.name,
          version: values.version,
          provider_type: values.provider_type,
          description: values.description,
          author: values.author,
          license: values.license,
          capabilities: {
            streaming: values.streaming === 'true',
            function_calling: values.function_calling === 'true',
            vision: values.vision === 'true',
          },
        });
        const fields = manifest.metadata.config_schema as Array<Record<string, unknown>>;
        // The API's data file is the one source of the config fields.
        const declared = apiSpec(variant.api).config_schema;
        expect(fields.map((field) => field.name)).toEqual(declared.map((field) => field.name));
        for (const [i, field] of declared.entries()) {
          const { example: _example, ...rest } = field;
          expect(fields[i]).toEqual(rest);
        }
        expect(fields.map((field) => field.name)).toContain('timeout');
        const readme = await readFile(join(dir, 'README.md'), 'utf8');
        for (const field of declared) expect(readme).toContain(`\`LOOM_CONFIG_${field.name.toUpperCase()}\``);
      });

      it("ships a CI workflow that runs this CLI version's action (validate and test, strict)", async () => {
        const workflow = parse(await readFile(join(dir, '.github/workflows/conformance.yml'), 'utf8')) as Record<string, any>;
        const steps = workflow.jobs.conformance.steps as { uses?: string; with?: Record<string, string> }[];
        const action = steps.find((step) => step.uses?.startsWith(`${variant.values.loom_plugin_action}@`));
        expect(action?.uses).toBe(`${variant.values.loom_plugin_action}@v${variant.values.loom_plugin_version}`);
        expect(action?.with).toEqual({ path: '.', strict: 'true' });
      });

      if (language.name === 'go') it.skipIf(!hasCommand('go', ['version']))('is gofmt-clean (a Go author runs gofmt on save)', async () => {
        const result = await run('gofmt', ['-l', '.'], { cwd: dir, timeoutMs: 60_000 });
        expect(result.code, result.output).toBe(0);
        expect(result.output.trim(), 'files gofmt would change').toBe('');
      });

      if (!variant.runs) return;

      it.skipIf(!runnable)('passes its own test suite', { timeout: 900_000 }, async () => {
        await language.install(dir);
        const [command, args] = language.unitTests;
        const result = await run(command, args, { cwd: dir, timeoutMs: 600_000 });
        expect(result.code, result.output).toBe(0);
      });

      it.skipIf(!runnable)('passes loom-plugin test --strict', { timeout: 300_000 }, async () => {
        if (!existsSync(join(dir, language.name === 'go' ? 'bin' : language.name === 'node' ? 'node_modules' : '.venv'))) {
          await language.install(dir);
        }
        const result = await runCli(['test', dir, '--strict'], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
        expect(result.code, result.stdout + result.stderr).toBe(0);
        expect(result.stdout).toMatch(/PASS/);
      });
    });
  }
}
