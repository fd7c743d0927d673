/**
 * `init --provider-api`: the API's data file drives config_schema and README, the
 * adapter folder is laid over the shared template, and what cannot work is refused
 * before anything is written.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProviderApi } from '../../src/core/init/provider-api.js';
import { scaffoldPlugin } from '../../src/core/init/scaffold.js';
import { INIT_LANGUAGES, PROVIDER_APIS } from '../../src/core/init/types.js';
import { runCli } from '../helpers/memory-io.js';
import { answers, entries, FAKE_API, fakeTemplates, removeAll, tempDir } from './helpers.js';

const cleanup: string[] = [];
afterEach(() => removeAll(...cleanup.splice(0)));

async function setup() {
  const templatesDir = await fakeTemplates();
  const cwd = await tempDir();
  cleanup.push(templatesDir, cwd);
  return { templatesDir, cwd };
}

describe('init --provider-api with the shipped templates', () => {
  it('anthropic: the adapter replaces only the upstream module, config fields come from the API data', async () => {
    const cwd = await tempDir();
    cleanup.push(cwd);
    const { code, stderr } = await runCli(['init', 'claude-bridge', '--language', 'python', '--provider-api', 'anthropic', '--vision', '--function-calling', '--yes'], { cwd });
    expect(code, stderr).toBe(0);
    const dir = join(cwd, 'claude-bridge');
    expect(await readFile(join(dir, 'provider', 'upstream.py'), 'utf8')).toContain('/v1/messages');
    expect(await readFile(join(dir, 'tests', 'fake_upstream.py'), 'utf8')).toContain('anthropic-version');
    expect(existsSync(join(dir, 'adapters'))).toBe(false);
    const manifest = parse(await readFile(join(dir, 'plugin.yaml'), 'utf8')) as { metadata: { config_schema: { name: string; default?: unknown }[]; capabilities: Record<string, boolean> } };
    expect(manifest.metadata.config_schema.map((field) => field.name)).toEqual(['api_key', 'endpoint', 'max_tokens', 'timeout']);
    expect(manifest.metadata.config_schema[1]?.default).toBe('https://api.anthropic.com');
    expect(manifest.metadata.capabilities).toMatchObject({ streaming: true, function_calling: true, vision: true });
    const readme = await readFile(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('`LOOM_CONFIG_MAX_TOKENS`');
    expect(readme).toContain('Anthropic Messages');
    expect(readme).toContain('`overloaded_error`');
  });

  it('an unknown API is a usage error naming the choices', async () => {
    const cwd = await tempDir();
    cleanup.push(cwd);
    const { code, stderr } = await runCli(['init', 'x', '--language', 'go', '--provider-api', 'bedrock', '--yes'], { cwd });
    expect(code).toBe(2);
    expect(stderr).toContain('openai, azure-openai, anthropic, gemini, ollama, cohere');
    // An unlisted provider is why plugins exist: the hint says how to start one anyway.
    expect(stderr).toMatch(/Hint: For a provider API not listed, scaffold with --provider-api openai .*--no-mock-upstream/);
    expect(await entries(cwd)).toEqual([]);
  });
});

describe('scaffoldPlugin and provider APIs (fake templates)', () => {
  it('refuses an API whose adapter the language lacks, before writing anything', async () => {
    const { templatesDir, cwd } = await setup();
    await writeFile(join(templatesDir, 'apis', 'cohere.json'), JSON.stringify(FAKE_API));
    await expect(scaffoldPlugin(answers({ providerApi: 'cohere' }), { cwd, templatesDir })).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('has no cohere adapter') });
    expect(await entries(cwd)).toEqual([]);
  });

  it('refuses a capability the adapter does not support', async () => {
    const { templatesDir, cwd } = await setup();
    await writeFile(join(templatesDir, 'apis', 'openai.json'), JSON.stringify({ ...FAKE_API, supports: { ...FAKE_API.supports, vision: false } }));
    const vision = answers({ capabilities: { streaming: true, functionCalling: false, vision: true } });
    await expect(scaffoldPlugin(vision, { cwd, templatesDir })).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('does not support vision') });
    expect(await entries(cwd)).toEqual([]);
  });

  it('an adapter file with the path of a shared file is a template bug', async () => {
    const { templatesDir, cwd } = await setup();
    await mkdir(join(templatesDir, 'node', 'adapters', 'openai', 'src'), { recursive: true });
    await writeFile(join(templatesDir, 'node', 'adapters', 'openai', 'src', 'meta.js'), 'clash');
    await expect(scaffoldPlugin(answers(), { cwd, templatesDir })).rejects.toMatchObject({ code: 'E_TEMPLATE_INVALID', message: expect.stringContaining('src/meta.js') });
    expect(await entries(cwd)).toEqual([]);
  });

  it('renders the config_schema placeholder from the API data', async () => {
    const { templatesDir, cwd } = await setup();
    const result = await scaffoldPlugin(answers(), { cwd, templatesDir });
    const manifest = parse(await readFile(join(result.dir, 'plugin.yaml'), 'utf8')) as { metadata: { config_schema: unknown[] } };
    const { example: _example, ...field } = { ...FAKE_API.config_schema[0], example: undefined };
    expect(manifest.metadata.config_schema).toEqual([field]);
    expect(await readFile(join(result.dir, 'src', 'upstream.js'), 'utf8')).toBe('export const api = "openai";\n');
  });
});

describe('the shipped provider APIs', () => {
  const templates = new URL('../../templates/', import.meta.url).pathname;
  const upstreamModule = { python: 'provider/upstream.py', node: 'src/upstream.js', go: 'upstream.go' } as const;

  it('every API has its data file and an adapter with the upstream module in every language', async () => {
    for (const api of PROVIDER_APIS) {
      const spec = await loadProviderApi(templates, api);
      expect(spec.config_schema.map((field) => field.name), api).toContain('timeout');
      expect(spec.errors.length, api).toBeGreaterThan(0);
      for (const language of INIT_LANGUAGES) {
        expect(existsSync(join(templates, language, 'adapters', api, upstreamModule[language])), `${language} ${api}`).toBe(true);
      }
    }
  });

  it('only the adapters differ: no adapter file shadows a shared file', async () => {
    for (const language of INIT_LANGUAGES) {
      for (const api of PROVIDER_APIS) {
        const files = await readdir(join(templates, language, 'adapters', api), { recursive: true });
        for (const file of files) {
          const shared = join(templates, language, file);
          if (existsSync(shared)) expect((await stat(shared)).isDirectory(), `${language}/${file} is shared and in the ${api} adapter`).toBe(true);
        }
      }
    }
  });
});
