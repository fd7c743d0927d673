/**
 * The interactive part of `init`: asks, on a terminal, for every answer the flags left
 * open. The prompt functions are injected (`PromptApi`) so tests can drive real inquirer
 * prompts with keypresses; `inquirerPrompts(io)` binds @inquirer/prompts (imported only
 * here, lazily) to the command's own streams and abort signal.
 */
import { InterruptedError, LoomPluginError } from '../core/errors.js';
import { answersWithDefaults, defaultAuthor, defaultDescription, DEFAULT_LICENSE, type InitFlags } from '../core/init/default-answers.js';
import { assertPluginName, validatePluginName, type NameCheckOptions } from '../core/init/plugin-name.js';
import { deriveProviderType, providerTypeProblem } from '../core/init/provider-type.js';
import type { InitAnswers, InitLanguage, ProviderApi } from '../core/init/types.js';
import type { CliIo } from './io.js';

export interface PromptApi {
  input(config: { message: string; default?: string; validate?: (value: string) => boolean | string | Promise<boolean | string> }): Promise<string>;
  select<T extends string>(config: { message: string; choices: { value: T; name: string; description?: string }[]; default?: T }): Promise<T>;
  checkbox<T extends string>(config: { message: string; choices: { value: T; name: string; checked: boolean }[] }): Promise<T[]>;
  confirm(config: { message: string; default: boolean }): Promise<boolean>;
}

export async function inquirerPrompts(io: CliIo): Promise<PromptApi> {
  const prompts = await import('@inquirer/prompts');
  const context = {
    input: io.stdin,
    output: io.stdout as unknown as NodeJS.WritableStream,
    signal: io.signal,
  };
  return {
    input: (config) => prompts.input(config, context),
    select: (config) => prompts.select(config, context),
    checkbox: (config) => prompts.checkbox(config, context),
    confirm: (config) => prompts.confirm(config, context),
  };
}

/** Ctrl+C inside a prompt (ExitPromptError) or an abort (AbortPromptError) is an interrupt. */
export function isPromptInterrupt(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

const LANGUAGE_CHOICES: { value: InitLanguage; name: string; description: string }[] = [
  { value: 'python', name: 'Python', description: 'Flask app served by waitress, pytest tests' },
  { value: 'node', name: 'Node.js', description: 'Express app (ESM), node --test tests' },
  { value: 'go', name: 'Go', description: 'standard library only, go test' },
];

/** The provider APIs to offer, in the order shown (from templates/apis/*.json). */
export interface ApiChoice {
  value: ProviderApi;
  name: string;
  description: string;
  /** Capabilities its adapter supports; the others are not offered. */
  supports: Record<'streaming' | 'functionCalling' | 'vision', boolean>;
}

type CapabilityKey = 'streaming' | 'functionCalling' | 'vision';

export interface PromptFlowOptions {
  /** --yes: ask only for what has no default (name, language). */
  yes: boolean;
  /** --install / --no-install, undefined = ask. */
  install: boolean | undefined;
  nameOptions: (language: InitLanguage) => Promise<NameCheckOptions>;
  /** Why the folder for this name cannot be used (exists, not empty, no --force), if so. */
  targetProblem?: (name: string) => Promise<string | undefined>;
  /** The provider APIs the language's template has adapters for. */
  apiChoices: (language: InitLanguage) => Promise<ApiChoice[]>;
  /** `git config user.name`, the author default when GIT_AUTHOR_NAME is not set. */
  gitUserName?: string | undefined;
}

/** Asks for what is missing; returns the answers and whether to install. */
export async function askInitAnswers(
  flags: InitFlags,
  options: PromptFlowOptions,
  io: CliIo,
  prompts: PromptApi,
): Promise<{ answers: InitAnswers; install: boolean }> {
  try {
    // Language first: the name rules depend on it (npm, PEP 508, Go module path).
    const language: InitLanguage = flags.language ?? await prompts.select<InitLanguage>({ message: 'Language', choices: LANGUAGE_CHOICES, default: 'python' });
    const nameOptions = await options.nameOptions(language);
    // A name given as a flag is checked before any further question is asked.
    if (flags.name !== undefined) assertPluginName(flags.name, language, nameOptions);
    // The folder is checked as soon as the name is known, not after every other question.
    const targetProblem = options.targetProblem ?? (async () => undefined);
    const flagTargetProblem = flags.name === undefined ? undefined : await targetProblem(flags.name);
    if (flagTargetProblem) {
      throw new LoomPluginError('E_TARGET_EXISTS', flagTargetProblem, { hint: 'Choose another name, or pass --force.' });
    }
    const name: string = flags.name ?? await prompts.input({
      message: 'Plugin name (also the folder created)',
      default: 'my-plugin',
      validate: async (value) => {
        const check = validatePluginName(value.trim(), language, nameOptions);
        const first = check.problems[0];
        if (first) return `${first.message} Try "${check.suggestion ?? 'my-plugin'}".`;
        return (await targetProblem(value.trim())) ?? true;
      },
    }).then((value) => value.trim());
    const ask = !options.yes;
    const apis = await options.apiChoices(language);
    // A question with one possible answer is not asked.
    const providerApi: ProviderApi = flags.providerApi ?? (ask && apis.length > 1
      ? await prompts.select<ProviderApi>({ message: 'Provider API the plugin talks to', choices: apis.map(({ value, name, description }) => ({ value, name, description })), default: 'openai' })
      : 'openai');
    const supports = apis.find((choice) => choice.value === providerApi)?.supports;
    const providerType = flags.providerType ?? (ask
      ? await prompts.input({
        message: 'Provider type (the key Loom registers the plugin under)',
        default: deriveProviderType(name),
        validate: (value) => providerTypeProblem(value.trim()) ?? true,
      }).then((value) => value.trim())
      : undefined);
    const description = flags.description ?? (ask ? await prompts.input({ message: 'Description', default: defaultDescription(name) }) : undefined);
    const author = flags.author ?? (ask ? await prompts.input({ message: 'Author', default: defaultAuthor(io.env, options.gitUserName) }) : undefined);
    const license = flags.license ?? (ask ? await prompts.input({ message: 'License (SPDX id)', default: DEFAULT_LICENSE }) : undefined);
    let capabilities: Partial<Record<CapabilityKey, boolean>> = {
      streaming: flags.streaming,
      functionCalling: flags.functionCalling,
      vision: flags.vision,
    };
    // A capability the adapter cannot honour is not offered (and stays off).
    const open = (['streaming', 'functionCalling', 'vision'] as const).filter((key) => capabilities[key] === undefined && supports?.[key] !== false);
    if (ask && open.length > 0) {
      const labels: Record<CapabilityKey, string> = { streaming: 'streaming', functionCalling: 'function calling', vision: 'vision (image input)' };
      const chosen = await prompts.checkbox<CapabilityKey>({
        message: 'Capabilities',
        choices: open.map((key) => ({ value: key, name: labels[key], checked: key === 'streaming' })),
      });
      capabilities = { ...capabilities, ...Object.fromEntries(open.map((key) => [key, chosen.includes(key)])) };
    }
    // Interactive default is to install (a runnable project); --yes keeps the offline default.
    const install = options.install ?? (ask ? await prompts.confirm({ message: 'Install dependencies now?', default: true }) : false);
    const answers = answersWithDefaults({
      ...flags, name, language, providerType, providerApi, description, author, license, ...capabilities,
    }, io.env, options.gitUserName);
    return { answers, install };
  } catch (error) {
    if (isPromptInterrupt(error)) throw new InterruptedError();
    throw error;
  }
}
