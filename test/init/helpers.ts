import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InitAnswers } from '../../src/core/init/types.js';

export const VALID_MANIFEST = `# yaml-language-server: $schema=https://unpkg.com/loom-plugin/schemas/manifest.schema.json
type: http
endpoint: http://127.0.0.1:{{port}}
metadata:
  name: {{name|json}}
  version: {{version|json}}
  plugin_api_version: "1.0.0"
  provider_type: {{provider_type|json}}
  description: {{description|json}}
  author: {{author|json}}
  license: {{license|json}}
  capabilities:
    streaming: {{streaming}}
    function_calling: {{function_calling}}
    vision: {{vision}}
  config_schema:
{{config_schema}}
auto_start: true
health_check_interval: 30
command: node
args: [server.js]
env:
  PORT: "{{port}}"
`;

/** A provider API description as templates/apis/<api>.json holds it. */
export const FAKE_API = {
  title: 'OpenAI-compatible',
  summary: 'any OpenAI-compatible server',
  supports: { streaming: true, function_calling: true, vision: true, model_listing: true },
  example_model: 'gpt-4o-mini',
  config_schema: [{ name: 'api_key', type: 'string', required: true, sensitive: true, description: 'API key of the upstream' }],
  errors: [['401', 'authentication_failed']],
};

export async function tempDir(prefix = 'loom-init-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A small template set in a temp folder: python/, node/, go/ each with a valid manifest. */
export async function fakeTemplates(extra: Record<string, string | Buffer> = {}): Promise<string> {
  const root = await tempDir('loom-init-templates-');
  await mkdir(join(root, 'apis'));
  await writeFile(join(root, 'apis', 'openai.json'), JSON.stringify(FAKE_API));
  for (const language of ['python', 'node', 'go']) {
    const dir = join(root, language);
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'plugin.yaml'), VALID_MANIFEST);
    await writeFile(join(dir, 'README.md'), '# {{name}}\n\n{{description}}\n');
    await writeFile(join(dir, '_gitignore'), 'node_modules/\n');
    await writeFile(join(dir, 'src', 'meta.js'), 'export const meta = { name: {{name|json}}, provider: {{provider_type|json}} };\n');
    await mkdir(join(dir, 'adapters', 'openai', 'src'), { recursive: true });
    await writeFile(join(dir, 'adapters', 'openai', 'src', 'upstream.js'), 'export const api = {{provider_api|json}};\n');
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: '{{package_name}}', dependencies: { express: '^5.0.0' } }, null, 2));
    for (const [path, content] of Object.entries(extra)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), content);
    }
  }
  return root;
}

export function answers(overrides: Partial<InitAnswers> = {}): InitAnswers {
  return {
    name: 'acme-ai',
    language: 'node',
    providerType: 'acme',
    providerApi: 'openai',
    description: 'Acme plugin',
    author: 'Ada',
    license: 'MIT',
    capabilities: { streaming: true, functionCalling: false, vision: false },
    port: 8090,
    ...overrides,
  };
}

/** Every entry of a folder (names only), to prove nothing was left behind. */
export async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

export async function removeAll(...dirs: string[]): Promise<void> {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}
