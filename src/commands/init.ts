/**
 * `loom-plugin init [name]`: flags and prompts -> answers -> scaffoldPlugin -> optional
 * installDependencies -> next steps. Without a terminal nothing is asked: the name and
 * --language are required and their absence is a usage error at once.
 */
import { join, relative, resolve } from 'node:path';
import type { InitOptions } from './options.js';
import { canPrompt, type CliIo } from '../output/io.js';
import { LoomPluginError, throwIfAborted } from '../core/errors.js';
import { answersWithDefaults, missingRequiredFlags, type InitFlags } from '../core/init/default-answers.js';
import { installDependencies, installSteps, stepCommandLine } from '../core/init/install.js';
import { inspectTarget } from '../core/init/place-files.js';
import { nextSteps } from '../core/init/next-steps.js';
import { checkAnswers, scaffoldPlugin, templateDependencyNames, templateDirFor } from '../core/init/scaffold.js';
import { PROVIDER_APIS, type InitAnswers, type InitLanguage } from '../core/init/types.js';
import { hasAdapter, loadProviderApi } from '../core/init/provider-api.js';
import { defaultTemplatesDir } from '../core/init/package-paths.js';
import { askInitAnswers, inquirerPrompts, type ApiChoice, type PromptApi } from '../output/init-prompt-flow.js';
import { createInstallProgress, printInstallOutput, printNextSteps, printScaffoldSummary } from '../output/init-report.js';
import { readGitUserName } from '../core/init/git-author.js';

async function apiChoices(language: InitLanguage, templatesDir: string | undefined): Promise<ApiChoice[]> {
  const root = templatesDir ?? defaultTemplatesDir();
  const choices: ApiChoice[] = [];
  for (const api of PROVIDER_APIS) {
    if (!(await hasAdapter(templateDirFor(language, templatesDir), api))) continue;
    const spec = await loadProviderApi(root, api);
    const { streaming, function_calling: functionCalling, vision } = spec.supports;
    choices.push({ value: api, name: spec.title, description: spec.summary, supports: { streaming, functionCalling, vision } });
  }
  return choices;
}

export interface InitDependencies {
  /** Prompt functions (tests inject scripted ones); default: @inquirer/prompts on io. */
  prompts?: PromptApi;
  templatesDir?: string;
}

function flagsOf(options: InitOptions): InitFlags {
  return {
    name: options.name,
    language: options.language,
    providerType: options.providerType,
    providerApi: options.providerApi,
    description: options.description,
    author: options.author,
    license: options.license,
    streaming: options.streaming,
    functionCalling: options.functionCalling,
    vision: options.vision,
    port: options.port,
  };
}

async function resolveAnswers(options: InitOptions, io: CliIo, deps: InitDependencies): Promise<{ answers: InitAnswers; install: boolean }> {
  const flags = flagsOf(options);
  const missing = missingRequiredFlags(flags);
  const gitUserName = flags.author === undefined ? await readGitUserName(io.cwd, io.env) : undefined;
  const interactive = deps.prompts !== undefined || canPrompt(io);
  if (!interactive || (missing.length === 0 && options.yes)) {
    if (missing.length > 0) {
      throw new LoomPluginError('E_NO_TTY', `Missing ${missing.join(' and ')}: loom-plugin init cannot ask for ${missing.length > 1 ? 'them' : 'it'} here (no terminal, or CI is set).`, {
        hint: 'Pass them on the command line, e.g. loom-plugin init my-plugin --language python (other answers take their defaults).',
        details: { missing },
      });
    }
    const named = flags as InitFlags & { name: string; language: NonNullable<InitFlags['language']> };
    return { answers: answersWithDefaults(named, io.env, gitUserName), install: options.install ?? false };
  }
  const prompts = deps.prompts ?? await inquirerPrompts(io);
  return askInitAnswers(flags, {
    gitUserName,
    yes: options.yes,
    install: options.install,
    apiChoices: async (language) => apiChoices(language, deps.templatesDir),
    nameOptions: async (language) => ({
      dependencyNames: language === 'node' ? await templateDependencyNames(templateDirFor('node', deps.templatesDir)) : [],
    }),
    targetProblem: async (name) => {
      const target = join(resolve(io.cwd, options.directory ?? '.'), name);
      try {
        if ((await inspectTarget(target)) === 'non-empty' && !options.force) return `${target} already exists and is not empty (pass --force to add the files to it).`;
      } catch (error) {
        if (error instanceof LoomPluginError) return error.message;
        throw error;
      }
      return undefined;
    },
  }, io, prompts);
}

export async function runInit(options: InitOptions, io: CliIo, deps: InitDependencies = {}): Promise<number> {
  const { answers, install } = await resolveAnswers(options, io, deps);
  // Check every answer before touching the disk (bad names end here with E_BAD_NAME).
  await checkAnswers(answers, deps.templatesDir);
  throwIfAborted(io.signal);
  const result = await scaffoldPlugin(answers, {
    cwd: io.cwd,
    ...(options.directory !== undefined ? { directory: options.directory } : {}),
    signal: io.signal,
    force: options.force,
    ...(deps.templatesDir !== undefined ? { templatesDir: deps.templatesDir } : {}),
  });
  const shownDir = relative(io.cwd, result.dir) || '.';
  printScaffoldSummary(io, result, shownDir, answers.language);

  let installed = false;
  if (install) {
    const progress = await createInstallProgress(io);
    try {
      await installDependencies(result.dir, answers.language, { signal: io.signal, env: io.env, onStep: progress.start });
      progress.succeed();
      installed = true;
    } catch (error) {
      progress.fail();
      if (error instanceof LoomPluginError && error.code === 'E_INSTALL_FAILED') {
        printInstallOutput(io.stderr, String(error.details?.output ?? ''));
      }
      if (error instanceof LoomPluginError && error.code === 'E_INTERRUPTED') {
        // The scaffold is complete and stays; say how to finish the installation later.
        const steps = (await installSteps(result.dir, answers.language)).map(stepCommandLine);
        io.stderr.write(`Installation interrupted; the plugin files are in ${shownDir}. To install later: cd ${JSON.stringify(shownDir)} && ${steps.join(' && ')}\n`);
      }
      throw error;
    }
  }
  const dirForSteps = relative(io.cwd, resolve(result.dir));
  printNextSteps(io, nextSteps(answers.language, { dir: dirForSteps.startsWith('..') ? result.dir : dirForSteps, installed }));
  return 0;
}

export async function run(options: InitOptions, io: CliIo): Promise<number> {
  return runInit(options, io);
}
