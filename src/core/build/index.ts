/**
 * Build before start: what `test` and `dev` call before every start of a plugin, so that
 * what runs is always the source on disk, and a binary older than its sources is never
 * started without saying so.
 */
import { relative } from 'node:path';
import type { Manifest } from '../manifest/types.js';
import { describeBuild, resolveBuildPlan, type BuildPlan } from './build-plan.js';
import { PluginFiles } from './plugin-files.js';
import { mtimeOf, runBuild, type BuildResult } from './run-build.js';

export { describeBuild, resolveBuildPlan, commandPath, type BuildPlan } from './build-plan.js';
export { runBuild, type BuildResult } from './run-build.js';
export { PluginFiles, isIgnoredPath, IGNORED_DIRS } from './plugin-files.js';

export interface BuildBeforeStartOptions {
  /** Start what is there (the user passed --no-build): only warn when it is stale. */
  skip?: boolean;
  signal?: AbortSignal;
  /** Called when a build is about to run, with the command line (for progress output). */
  onBuild?: (commandLine: string) => void;
  /** The command's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface BuildOutcome {
  plan: BuildPlan | undefined;
  build: BuildResult | undefined;
  /** Set when the build was skipped and the output is older than a source (or missing). */
  stale: string | undefined;
}

export async function buildBeforeStart(manifest: Manifest, dir: string, options: BuildBeforeStartOptions = {}): Promise<BuildOutcome> {
  const plan = await resolveBuildPlan(manifest, dir);
  if (!plan) return { plan, build: undefined, stale: undefined };
  if (options.skip) return { plan, build: undefined, stale: await staleness(plan) };
  options.onBuild?.(describeBuild(plan));
  const build = await runBuild(plan, { ...(options.signal ? { signal: options.signal } : {}), ...(options.env ? { env: options.env } : {}) });
  return { plan, build, stale: undefined };
}

/** A sentence when the plan's output is missing or older than its newest source. */
export async function staleness(plan: BuildPlan): Promise<string | undefined> {
  if (!plan.output) return undefined;
  const name = relative(plan.dir, plan.output);
  const built = await mtimeOf(plan.output);
  const how = `run \`${describeBuild(plan)}\` or drop --no-build`;
  if (built === undefined) return `${name} does not exist yet: ${how}.`;
  const files = new PluginFiles(plan.dir);
  const newest = await files.newestSource(plan.sourcePattern, new Set([plan.output]));
  if (!newest || newest.mtimeMs <= built) return undefined;
  return `${name} is older than ${relative(plan.dir, newest.file)}: it runs code from before that change (${how}).`;
}
