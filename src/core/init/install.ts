/**
 * `init --install`: the dependency steps of each template, run in the final plugin folder
 * (a Python venv is not relocatable, so this happens after the scaffold is in place).
 * Each step runs in its own process group so an abort can stop the installer and every
 * child it spawned (pip builds, npm lifecycle scripts, the go toolchain).
 */
import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { InterruptedError, LoomPluginError, throwIfAborted } from '../errors.js';
import type { InitLanguage } from './types.js';

export interface InstallStep {
  /** What the spinner says, e.g. "Creating the virtual environment". */
  label: string;
  command: string;
  args: string[];
}

export interface InstallOptions {
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Called before each step starts (spinner text). */
  onStep?: (step: InstallStep, index: number, total: number) => void;
}

export interface InstallStepResult {
  step: InstallStep;
  durationMs: number;
}

/** How much of an installer's output is kept to show on failure. */
const OUTPUT_TAIL_BYTES = 16 * 1024;
const KILL_GRACE_MS = 2000;

const isWindows = process.platform === 'win32';

export function venvPython(): string {
  return isWindows ? join('.venv', 'Scripts', 'python.exe') : join('.venv', 'bin', 'python');
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/**
 * The steps for a scaffolded plugin folder. Go: the template's manifest starts a built
 * binary (`bin/plugin`), so `go build` belongs to the install; `go mod download` is a
 * no-op for a standard-library-only module but keeps added dependencies working.
 */
export async function installSteps(dir: string, language: InitLanguage): Promise<InstallStep[]> {
  switch (language) {
    case 'python': {
      const python = venvPython();
      const requirements = ['requirements.txt', 'requirements-dev.txt'];
      const present: string[] = [];
      for (const file of requirements) if (await exists(join(dir, file))) present.push(file);
      return [
        { label: 'Creating the virtual environment (.venv)', command: isWindows ? 'python' : 'python3', args: ['-m', 'venv', '.venv'] },
        {
          label: `Installing Python packages (${present.join(', ') || 'none'})`,
          command: python,
          args: ['-m', 'pip', 'install', '--disable-pip-version-check', ...present.flatMap((file) => ['-r', file])],
        },
      ];
    }
    case 'node':
      return [{ label: 'Installing npm packages', command: isWindows ? 'npm.cmd' : 'npm', args: ['install', '--no-audit', '--no-fund'] }];
    case 'go':
      return [
        { label: 'Downloading Go modules', command: 'go', args: ['mod', 'download'] },
        { label: 'Building bin/plugin', command: 'go', args: ['build', '-o', join('bin', isWindows ? 'plugin.exe' : 'plugin'), '.'] },
      ];
  }
}

/** One-line shell form of a step, for messages ("run it yourself: ..."). */
export function stepCommandLine(step: InstallStep): string {
  return [step.command, ...step.args].map((part) => (/^[\w./=-]+$/.test(part) ? part : JSON.stringify(part))).join(' ');
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    if (isWindows) process.kill(pid, signal);
    else process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Runs one step; resolves on exit 0, throws E_INSTALL_FAILED (with the output tail) otherwise. */
export function runInstallStep(step: InstallStep, dir: string, options: InstallOptions = {}): Promise<void> {
  throwIfAborted(options.signal);
  return new Promise((resolve, reject) => {
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES);
    };
    const child = spawn(step.command, step.args, {
      cwd: dir,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: !isWindows,
      windowsHide: true,
      shell: false,
    });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => {
      options.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      done();
      const missing = error.code === 'ENOENT';
      reject(new LoomPluginError('E_INSTALL_FAILED', missing
        ? `${step.command} was not found; it is needed to install the dependencies.`
        : `${stepCommandLine(step)} could not be started: ${error.message}`, {
        hint: missing ? `Install ${step.command === 'go' ? 'Go' : step.command.startsWith('npm') ? 'Node.js/npm' : 'Python 3'} and run the step again in ${dir}.` : undefined,
        details: { command: stepCommandLine(step), output: '' },
        cause: error,
      }));
    });
    child.on('close', (code, signal) => {
      done();
      if (options.signal?.aborted) {
        // The whole group may still hold pipes open; make sure nothing survives.
        killGroup(child.pid, 'SIGKILL');
        reject(new InterruptedError());
        return;
      }
      if (code === 0) {
        resolve();
        return;
      }
      reject(new LoomPluginError('E_INSTALL_FAILED', `${stepCommandLine(step)} failed (${code === null ? `signal ${signal}` : `exit code ${code}`}).`, {
        details: { command: stepCommandLine(step), exitCode: code, output },
      }));
    });
  });
}

/** Runs every install step of the language in `dir`, in order. */
export async function installDependencies(dir: string, language: InitLanguage, options: InstallOptions = {}): Promise<InstallStepResult[]> {
  const steps = await installSteps(dir, language);
  const results: InstallStepResult[] = [];
  for (const [index, step] of steps.entries()) {
    throwIfAborted(options.signal);
    options.onStep?.(step, index, steps.length);
    const started = performance.now();
    try {
      await runInstallStep(step, dir, options);
    } catch (error) {
      if (error instanceof LoomPluginError && error.code === 'E_INSTALL_FAILED') {
        // The scaffold stays; tell the user exactly what is left to run.
        const retry = [`cd ${JSON.stringify(dir)}`, ...steps.slice(index).map(stepCommandLine)].join(' && ');
        throw new LoomPluginError('E_INSTALL_FAILED', error.message, {
          hint: `${error.hint ? `${error.hint} ` : ''}The plugin files are in place; to retry the installation run: ${retry}`,
          details: { ...error.details, retry },
          cause: error,
        });
      }
      throw error;
    }
    results.push({ step, durationMs: Math.round(performance.now() - started) });
  }
  return results;
}
