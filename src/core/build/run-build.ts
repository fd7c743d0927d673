/**
 * Runs a build plan: no shell, in the plugin's folder, in its own process group (so
 * Ctrl+C or a closing dev host stops the compiler and everything it spawned), with its
 * combined output kept (bounded) because that output is the message the user needs.
 */
import { spawn } from 'node:child_process';
import { access, stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { LoomPluginError, throwIfAborted } from '../errors.js';
import { registerGroup, signalGroup, unregisterGroup } from '../runtime/process-registry.js';
import { newRunMarker, RUN_MARKER_VAR, signalMarked } from '../runtime/run-marker.js';
import { describeBuild, type BuildPlan } from './build-plan.js';

export interface BuildResult {
  durationMs: number;
  /** What the build printed (stdout and stderr interleaved), trimmed. */
  output: string;
}

export interface RunBuildOptions {
  signal?: AbortSignal;
  /** Default 10 minutes: a cold Go cache on a small CI machine takes minutes. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const OUTPUT_LIMIT = 64 * 1024;
/**
 * After the build exits, how long its pipes may stay open for the last output. A helper
 * it left behind can hold them open forever; waiting for them (Node's 'close') made a
 * build that starts a daemon hang, and ignore Ctrl+C, until the daemon ended.
 */
const DRAIN_AFTER_EXIT_MS = 250;

/** Where to get a missing build tool: the hint must say what to run. */
const INSTALL_HINTS: Record<string, string> = {
  go: 'Install Go 1.22 or newer (https://go.dev/dl/) so that `go` is on PATH',
};

export async function runBuild(plan: BuildPlan, options: RunBuildOptions = {}): Promise<BuildResult> {
  throwIfAborted(options.signal);
  const line = describeBuild(plan);
  const started = performance.now();
  const chunks: Buffer[] = [];
  let size = 0;
  const keep = (chunk: Buffer): void => {
    chunks.push(chunk);
    size += chunk.length;
    // Compilers print the first errors first: keep the head, drop what overflows.
    while (size > OUTPUT_LIMIT && chunks.length > 1) size -= chunks.pop()!.length;
  };

  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException; timedOut: boolean }>((resolve) => {
    let timedOut = false;
    let done = false;
    // Every descendant inherits the marker, also one that leaves the group with setsid.
    const marker = newRunMarker();
    const child = spawn(plan.command, plan.args, {
      cwd: plan.dir,
      env: { ...(options.env ?? process.env), [RUN_MARKER_VAR]: marker },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    const stopAll = (): void => {
      if (child.pid === undefined) return;
      signalGroup(child.pid, 'SIGKILL');
      signalMarked(marker, child.pid, 'SIGKILL');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stopAll();
    }, options.timeoutMs ?? 600_000);
    timer.unref();
    options.signal?.addEventListener('abort', stopAll, { once: true });
    child.once('spawn', () => registerGroup(child.pid!, marker));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const finish = (result: { code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException }): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', stopAll);
      // Whatever the build left running (in its group or not) goes with it.
      stopAll();
      if (child.pid !== undefined) unregisterGroup(child.pid);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({ ...result, timedOut });
    };
    child.once('error', (error) => finish({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => {
      const drained = setTimeout(() => finish({ code, signal }), DRAIN_AFTER_EXIT_MS);
      child.once('close', () => {
        clearTimeout(drained);
        finish({ code, signal });
      });
    });
  });

  throwIfAborted(options.signal);
  const output = Buffer.concat(chunks).toString('utf8').replace(/\s+$/, '');
  const durationMs = Math.round(performance.now() - started);
  const details = { command: line, dir: plan.dir, buildOutput: output, durationMs };
  const retry = `run \`${line}\` in ${plan.dir} to see it again`;

  if (outcome.error) {
    const missing = outcome.error.code === 'ENOENT';
    const install = INSTALL_HINTS[plan.command] ?? `Install \`${plan.command}\` or correct \`build.command\` in the manifest`;
    throw new LoomPluginError(
      'E_BUILD_FAILED',
      missing
        ? `The build command \`${plan.command}\` was not found, so the plugin cannot be built before it starts.`
        : `The build command \`${line}\` could not be started: ${outcome.error.message}.`,
      { hint: `${install}, or build it yourself and pass --no-build.`, details },
    );
  }
  if (outcome.timedOut) {
    throw new LoomPluginError('E_BUILD_FAILED', `The build \`${line}\` did not finish in time and was stopped.`, { hint: `Check why it hangs: ${retry}.`, details });
  }
  if (outcome.code !== 0) {
    const how = outcome.signal ? `was killed by ${outcome.signal}` : `failed with exit code ${outcome.code}`;
    throw new LoomPluginError('E_BUILD_FAILED', `The build \`${line}\` ${how}.`, {
      hint: `Fix what the build printed above and save or run again (or ${retry}).`,
      details,
    });
  }
  if (plan.output && !(await exists(plan.output))) {
    const wanted = relative(plan.dir, plan.output);
    throw new LoomPluginError('E_BUILD_FAILED', `The build \`${line}\` succeeded but did not write ${wanted}, the file the manifest's \`command\` starts.`, {
      hint: `Make the build write ${wanted}, or point \`command\` at what it writes.`,
      details,
    });
  }
  return { durationMs, output };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** Modification time in ms, or undefined when the file is missing. */
export async function mtimeOf(path: string): Promise<number | undefined> {
  return stat(path).then((info) => info.mtimeMs, () => undefined);
}
