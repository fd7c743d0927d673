/**
 * `init --provider-api`: the API's data file drives config_schema and README, the
 * adapter folder is laid over the shared template, and what cannot work is refused
 * before anything is written.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { adapterChain, loadProviderApi } from '../../src/core/init/provider-api.js';
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

  /** Fake templates where azure-openai extends openai: a base wire, a replaced wire, one file of its own. */
  async function extendingSetup(extendsApi = 'openai') {
    const { templatesDir, cwd } = await setup();
    await writeFile(join(templatesDir, 'apis', 'azure-openai.json'), JSON.stringify({ ...FAKE_API, title: 'Azure OpenAI', extends: extendsApi }));
    const base = join(templatesDir, 'node', 'adapters', 'openai', 'src');
    await writeFile(join(base, 'wire.js'), 'export const wire = "bearer";\n');
    const own = join(templatesDir, 'node', 'adapters', 'azure-openai', 'src');
    await mkdir(own, { recursive: true });
    await writeFile(join(own, 'wire.js'), 'export const wire = "api-key for " + {{provider_api|json}};\n');
    await writeFile(join(own, 'deployments.js'), 'export const deployments = [];\n');
    return { templatesDir, cwd, own };
  }

  it('an extending API lays its adapter over its base: same path replaces, the rest is the base', async () => {
    const { templatesDir, cwd } = await extendingSetup();
    const result = await scaffoldPlugin(answers({ providerApi: 'azure-openai' }), { cwd, templatesDir });
    const src = join(result.dir, 'src');
    expect(await entries(src)).toEqual(['deployments.js', 'meta.js', 'upstream.js', 'wire.js']);
    expect(await readFile(join(src, 'upstream.js'), 'utf8')).toBe('export const api = "azure-openai";\n');
    expect(await readFile(join(src, 'wire.js'), 'utf8')).toBe('export const wire = "api-key for " + "azure-openai";\n');
  });

  it('the base adapter alone is unchanged by an API extending it', async () => {
    const { templatesDir, cwd } = await extendingSetup();
    const result = await scaffoldPlugin(answers(), { cwd, templatesDir });
    expect(await entries(join(result.dir, 'src'))).toEqual(['meta.js', 'upstream.js', 'wire.js']);
    expect(await readFile(join(result.dir, 'src', 'wire.js'), 'utf8')).toBe('export const wire = "bearer";\n');
  });

  it('an extending adapter may not shadow a shared file either', async () => {
    const { templatesDir, cwd, own } = await extendingSetup();
    await writeFile(join(own, 'meta.js'), 'clash');
    await expect(scaffoldPlugin(answers({ providerApi: 'azure-openai' }), { cwd, templatesDir })).rejects.toMatchObject({ code: 'E_TEMPLATE_INVALID', message: expect.stringContaining('src/meta.js') });
    expect(await entries(cwd)).toEqual([]);
  });

  it('an extends loop or an unknown base is a template bug, found before writing', async () => {
    for (const base of ['azure-openai', 'no-such-api']) {
      const { templatesDir, cwd } = await extendingSetup(base);
      await expect(scaffoldPlugin(answers({ providerApi: 'azure-openai' }), { cwd, templatesDir })).rejects.toMatchObject({ code: 'E_TEMPLATE_INVALID', message: expect.stringContaining(base) });
      expect(await entries(cwd)).toEqual([]);
    }
  });

  it('refuses an extending API whose base adapter the language lacks', async () => {
    const { templatesDir, cwd } = await extendingSetup();
    await rm(join(templatesDir, 'go', 'adapters', 'openai'), { recursive: true });
    await mkdir(join(templatesDir, 'go', 'adapters', 'azure-openai'), { recursive: true });
    await expect(scaffoldPlugin(answers({ providerApi: 'azure-openai', language: 'go' }), { cwd, templatesDir })).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('openai') });
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
      // An extending API (azure-openai) may take the upstream module from its base.
      const chain = await adapterChain(templates, api);
      for (const language of INIT_LANGUAGES) {
        const found = chain.some((layer) => existsSync(join(templates, language, 'adapters', layer, upstreamModule[language])));
        expect(found, `${language} ${api}`).toBe(true);
      }
    }
  });

  it('azure-openai builds on the openai adapter and keeps only its wire (and tests) in every language', async () => {
    expect(await adapterChain(templates, 'azure-openai')).toEqual(['openai', 'azure-openai']);
    const wire = { python: 'provider/wire.py', node: 'src/wire.js', go: 'wire.go' } as const;
    for (const language of INIT_LANGUAGES) {
      expect(existsSync(join(templates, language, 'adapters', 'azure-openai', upstreamModule[language])), language).toBe(false);
      expect(existsSync(join(templates, language, 'adapters', 'azure-openai', wire[language])), language).toBe(true);
      expect(existsSync(join(templates, language, 'adapters', 'openai', wire[language])), language).toBe(true);
    }
  });

  it("azure-openai runs openai's chat tests and fake server: it has no copy of either, only its wire, fake wire and own tests", async () => {
    const own = {
      python: ['provider/wire.py', 'tests/fake_upstream.py', 'tests/test_azure.py'],
      node: ['src/wire.js', 'test/azure.test.js', 'test/fake-upstream.js'],
      go: ['azure_test.go', 'fake_upstream_test.go', 'wire.go'],
    } as const;
    const shared = { python: ['tests/test_chat.py', 'tests/fake_openai.py'], node: ['test/chat.test.js', 'test/fake-openai.js'], go: ['chat_test.go', 'fake_openai_test.go'] } as const;
    for (const language of INIT_LANGUAGES) {
      for (const file of shared[language]) {
        expect(existsSync(join(templates, language, 'adapters', 'openai', file)), `openai ${language} ${file}`).toBe(true);
        expect(existsSync(join(templates, language, 'adapters', 'azure-openai', file)), `azure-openai ${language} ${file}`).toBe(false);
      }
      const files = await readdir(join(templates, language, 'adapters', 'azure-openai'), { recursive: true });
      const found: string[] = [];
      for (const file of files) if ((await stat(join(templates, language, 'adapters', 'azure-openai', file))).isFile()) found.push(file.split(sep).join('/'));
      expect(found.sort(), language).toEqual([...own[language]]);
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
