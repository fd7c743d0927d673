/**
 * The provider API a scaffold talks to (`init --provider-api`). Each API is data, one
 * file per API in `templates/apis/<api>.json`: what its adapter supports, its config
 * fields (the manifest's `config_schema`, the README's table and the LOOM_CONFIG_*
 * fallback all come from this one list) and how it maps errors. The adapter code is a
 * real template folder per language, `templates/<language>/adapters/<api>/`, laid over
 * the shared files; nothing else in a template differs between APIs. An API whose data says
 * `"extends": "<base>"` builds on the base's adapter: the base's files are laid first and
 * the extending adapter's files over them (same path = the extending file wins), so a
 * dialect keeps only what differs from its base.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LoomPluginError } from '../errors.js';
import { PROVIDER_APIS, type InitCapabilities, type InitLanguage, type ProviderApi } from './types.js';

export { PROVIDER_APIS, type ProviderApi };
export const DEFAULT_PROVIDER_API: ProviderApi = 'openai';

export interface ApiConfigField {
  name: string;
  type: 'string' | 'int' | 'float' | 'bool';
  required: boolean;
  sensitive?: boolean;
  default?: string | number | boolean;
  description: string;
  validation?: { pattern?: string; min?: number; max?: number };
  /** Example value for the README's `export LOOM_CONFIG_...` line. */
  example?: string;
}

export interface ProviderApiSpec {
  api: ProviderApi;
  /** "Anthropic Messages". */
  title: string;
  /** One line for the init prompt. */
  summary: string;
  /** What the adapter really does for this API; the manifest never declares more. */
  supports: { streaming: boolean; function_calling: boolean; vision: boolean; model_listing: boolean };
  /** A model id for README examples. */
  example_model: string;
  config_schema: ApiConfigField[];
  /** Provider signal -> Loom error code, for the README and docs/templates.md. */
  errors: [string, string][];
  /** Another API whose adapter files this one's are laid over (Azure builds on openai). */
  extends?: ProviderApi;
}

export const ADAPTERS_FOLDER = 'adapters';

function isProviderApi(value: string): value is ProviderApi {
  return (PROVIDER_APIS as readonly string[]).includes(value);
}

export function assertProviderApi(value: string): ProviderApi {
  if (isProviderApi(value)) return value;
  throw new LoomPluginError('E_USAGE', `Unknown provider API "${value}"; choose one of ${PROVIDER_APIS.join(', ')}.`, {
    hint: 'Pass --provider-api openai for any OpenAI-compatible server.',
  });
}

export async function loadProviderApi(templatesDir: string, api: ProviderApi): Promise<ProviderApiSpec> {
  const file = join(templatesDir, 'apis', `${api}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new LoomPluginError('E_TEMPLATE_INVALID', `The description of the ${api} provider API is missing (looked for ${file}).`, {
      hint: 'Reinstall loom-plugin; its package ships templates/apis/.',
    });
  }
  return { ...(JSON.parse(text) as Omit<ProviderApiSpec, 'api'>), api };
}

/** The APIs whose adapters make up this one's, base first: [openai, azure-openai]. */
export async function adapterChain(templatesDir: string, api: ProviderApi): Promise<ProviderApi[]> {
  const chain: ProviderApi[] = [api];
  for (let spec = await loadProviderApi(templatesDir, api); spec.extends !== undefined; spec = await loadProviderApi(templatesDir, spec.extends)) {
    if (!isProviderApi(spec.extends) || chain.includes(spec.extends)) {
      throw new LoomPluginError('E_TEMPLATE_INVALID', `The ${spec.api} provider API extends "${spec.extends}", which is ${chain.includes(spec.extends) ? 'a loop' : 'not a provider API'}.`, {
        hint: 'Reinstall loom-plugin; its templates/apis/ folder is damaged.',
      });
    }
    chain.unshift(spec.extends);
  }
  return chain;
}

export async function hasAdapter(templateDir: string, api: ProviderApi): Promise<boolean> {
  return (await stat(join(templateDir, ADAPTERS_FOLDER, api)).catch(() => undefined))?.isDirectory() === true;
}

/** The adapter folder of an API in a language template; an error when it has none. */
export async function adapterDir(templateDir: string, language: InitLanguage, api: ProviderApi): Promise<string> {
  const dir = join(templateDir, ADAPTERS_FOLDER, api);
  const stats = await stat(dir).catch(() => undefined);
  if (!stats?.isDirectory()) {
    throw new LoomPluginError('E_USAGE', `The ${language} template has no ${api} adapter.`, {
      hint: 'Choose another --provider-api or --language (docs/templates.md lists which exist).',
    });
  }
  return dir;
}

const CAPABILITY_NAMES: Record<keyof InitCapabilities, keyof ProviderApiSpec['supports']> = {
  streaming: 'streaming',
  functionCalling: 'function_calling',
  vision: 'vision',
};

const FLAGS: Record<keyof InitCapabilities, string> = { streaming: '--no-streaming', functionCalling: 'no --function-calling', vision: 'no --vision' };

/** A capability asked for that the API's adapter cannot honour is a usage error. */
export function assertCapabilitiesSupported(capabilities: InitCapabilities, spec: ProviderApiSpec): void {
  for (const key of Object.keys(CAPABILITY_NAMES) as (keyof InitCapabilities)[]) {
    if (capabilities[key] && !spec.supports[CAPABILITY_NAMES[key]]) {
      throw new LoomPluginError('E_USAGE', `The ${spec.title} adapter does not support ${CAPABILITY_NAMES[key].replace('_', ' ')}, so the manifest cannot declare it.`, {
        hint: `Pass ${FLAGS[key]}, or another --provider-api.`,
      });
    }
  }
}
