/**
 * Defaults of every init question, and which answers are required when nobody can be
 * asked. Only the name and the language have no sensible default: everything else is
 * derived (provider type, description) or conventional (MIT, port 8090, streaming on).
 */
import { DEFAULT_PROVIDER_API } from './provider-api.js';
import { deriveProviderType } from './provider-type.js';
import type { InitAnswers, InitLanguage, ProviderApi } from './types.js';

export const DEFAULT_PORT = 8090;
export const DEFAULT_LICENSE = 'MIT';

/** What the command line gave; undefined = not given. */
export interface InitFlags {
  name?: string | undefined;
  language?: InitLanguage | undefined;
  providerType?: string | undefined;
  providerApi?: ProviderApi | undefined;
  description?: string | undefined;
  author?: string | undefined;
  license?: string | undefined;
  streaming?: boolean | undefined;
  functionCalling?: boolean | undefined;
  vision?: boolean | undefined;
  port?: number | undefined;
}

export function defaultDescription(name: string): string {
  return `Loom AI-provider plugin ${name}.`;
}

/**
 * Author: GIT_AUTHOR_NAME, then `git config user.name` (read by the caller, see
 * git-author.ts), then npm init's author, else a visible placeholder.
 */
export function defaultAuthor(env: NodeJS.ProcessEnv, gitUserName?: string): string {
  const candidates = [env.GIT_AUTHOR_NAME, gitUserName, env.npm_config_init_author_name, env.NPM_CONFIG_INIT_AUTHOR_NAME];
  return candidates.find((value) => value !== undefined && value.trim() !== '')?.trim() ?? 'Your Name';
}

/** The flags still needed when there is no terminal to ask on, in the user's terms. */
export function missingRequiredFlags(flags: InitFlags): string[] {
  const missing: string[] = [];
  if (flags.name === undefined || flags.name === '') missing.push('<name>');
  if (flags.language === undefined) missing.push('--language <python|node|go>');
  return missing;
}

/** Fills every answer the flags leave open with its default. Needs name and language. */
export function answersWithDefaults(flags: InitFlags & { name: string; language: InitLanguage }, env: NodeJS.ProcessEnv, gitUserName?: string): InitAnswers {
  return {
    name: flags.name,
    language: flags.language,
    providerType: flags.providerType ?? deriveProviderType(flags.name),
    providerApi: flags.providerApi ?? DEFAULT_PROVIDER_API,
    description: flags.description ?? defaultDescription(flags.name),
    author: flags.author ?? defaultAuthor(env, gitUserName),
    license: flags.license ?? DEFAULT_LICENSE,
    capabilities: {
      streaming: flags.streaming ?? true,
      functionCalling: flags.functionCalling ?? false,
      vision: flags.vision ?? false,
    },
    port: flags.port ?? DEFAULT_PORT,
  };
}
