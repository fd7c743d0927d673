/**
 * A tiny template renderer for the template tests, with exactly the rules of
 * src/core/init/render-template.ts (kept separate so these tests prove the templates, not
 * the init command): `{{key}}` -> value, `{{key|json}}` -> JSON string literal (with
 * U+007F-U+009F and U+2028/9 escaped), `_gitignore`/`_dockerignore` -> dot-files, an
 * unknown key is an error, local leftovers (node_modules, .venv, caches) are skipped.
 */
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { apiTemplateValues } from '../../src/core/init/api-template-values.js';
import { adapterChain, type ProviderApi, type ProviderApiSpec } from '../../src/core/init/provider-api.js';
import { actionRepository } from '../../src/core/init/package-paths.js';

export type Values = Record<string, string>;

export const TEMPLATES_DIR = new URL('../../templates/', import.meta.url).pathname;

const PLACEHOLDER = /\{\{([A-Za-z_][A-Za-z0-9_]*)(\|json)?\}\}/g;
const RENAMES: Record<string, string> = { _gitignore: '.gitignore', _dockerignore: '.dockerignore' };
const SKIPPED = new Set(['node_modules', '.venv', '__pycache__', '.pytest_cache', '.DS_Store']);

export function jsonLiteral(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function renderText(text: string, values: Values, file: string): string {
  return text.replace(PLACEHOLDER, (_match, key: string, json: string | undefined) => {
    const value = Object.hasOwn(values, key) ? values[key] : undefined;
    if (value === undefined) throw new Error(`${file}: unknown placeholder {{${key}}}`);
    return json ? jsonLiteral(value) : value;
  });
}

/** The provider API's data file (templates/apis/<api>.json). */
export function apiSpec(api: ProviderApi): ProviderApiSpec {
  return { ...(JSON.parse(readFileSync(join(TEMPLATES_DIR, 'apis', `${api}.json`), 'utf8')) as Omit<ProviderApiSpec, 'api'>), api };
}

/** The values `init` would pass for a plugin called `name`. */
export function testValues(name: string, overrides: Partial<Values> = {}, api: ProviderApi = 'openai'): Values {
  return {
    ...apiTemplateValues(apiSpec(api)),
    name,
    package_name: name,
    python_package: name.replace(/-/g, '_'),
    go_module: `example.com/${name}`,
    provider_type: name,
    description: 'A "quoted" description: with YAML, JSON & Go \\ specials',
    author: 'Ada Lovelace <ada@example.com>',
    license: 'MIT',
    version: '0.1.0',
    port: '8090',
    streaming: 'true',
    function_calling: 'true',
    vision: 'false',
    loom_plugin_version: '0.1.0',
    loom_plugin_action: actionRepository(),
    year: '2026',
    ...overrides,
  };
}

/**
 * Renders templates/<language> into `target`, with the adapter of `api`
 * (templates/<language>/adapters/<api>/, after the adapter it extends) laid over it;
 * returns the relative paths written.
 */
export async function renderTemplateDir(language: string, target: string, values: Values, api: ProviderApi = 'openai'): Promise<string[]> {
  const written: string[] = [];
  const walk = async (source: string, out: string, prefix: string): Promise<void> => {
    await mkdir(out, { recursive: true });
    const entries = await readdir(source, { withFileTypes: true });
    for (const entry of entries) {
      if (SKIPPED.has(entry.name) || (prefix === '' && source === base && entry.name === 'adapters')) continue;
      const name = RENAMES[entry.name] ?? entry.name;
      if (entry.isDirectory()) {
        await walk(join(source, entry.name), join(out, name), `${prefix}${name}/`);
        continue;
      }
      const raw = await readFile(join(source, entry.name));
      const text = renderText(raw.toString('utf8'), values, `${prefix}${name}`);
      await writeFile(join(out, name), text);
      await chmod(join(out, name), (await stat(join(source, entry.name))).mode & 0o777);
      written.push(`${prefix}${name}`);
    }
  };
  const base = join(TEMPLATES_DIR, language);
  await walk(base, target, '');
  // A base adapter first, then the one extending it (its files replace the base's).
  for (const layer of await adapterChain(TEMPLATES_DIR, api)) await walk(join(base, 'adapters', layer), target, '');
  // As init does: plugin.json is the YAML manifest as JSON (the templates read it at run time).
  const yaml = await readFile(join(target, 'plugin.yaml'), 'utf8');
  await writeFile(join(target, 'plugin.json'), `${JSON.stringify(parse(yaml), null, 2)}\n`);
  written.push('plugin.json');
  return [...new Set(written)].sort();
}
