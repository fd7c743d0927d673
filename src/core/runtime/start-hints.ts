/**
 * Why a plugin did not start, in terms of what to run. Each diagnosis is a row: it looks
 * at the command, the plugin folder and what the plugin wrote to stderr, and either
 * says nothing or returns a sentence and the command that fixes it. The first row that
 * speaks wins; without one, the caller keeps its generic message.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join } from 'node:path';

export interface StartContext {
  command: string;
  args: readonly string[];
  /** The plugin folder (the command's working directory). */
  dir: string;
  /** The PATH the plugin was started with. */
  path: string;
  /** The command could not be executed at all (ENOENT). */
  notFound: boolean;
  /** What the plugin wrote to stderr before it stopped ('' when it never ran). */
  stderr: string;
}

export interface StartDiagnosis {
  /** Stable id, in `details.diagnosis` of the error (JSON output). */
  id: string;
  message: string;
  hint: string;
  /** The one stderr line that gave the cause away, shown instead of the whole tail. */
  evidence?: string;
}

type Diagnose = (ctx: StartContext) => StartDiagnosis | undefined;

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where `name` resolves on PATH, as a shell would, or undefined. */
export function findOnPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

const isBareName = (command: string): boolean => !command.includes('/') && !command.includes('\\');
const has = (ctx: StartContext, file: string): boolean => existsSync(join(ctx.dir, file));

/** The requirements file a Python plugin folder has, if any. */
function pythonInstall(ctx: StartContext, python: string): string {
  if (has(ctx, 'requirements.txt')) return `${python} -m pip install -r requirements.txt`;
  if (has(ctx, 'pyproject.toml')) return `${python} -m pip install .`;
  return `${python} -m pip install <the packages it imports>`;
}

/** Tools people are told to install by name; anything else is "install it or give its path". */
const TOOLCHAINS: Record<string, string> = {
  node: 'Install Node.js (https://nodejs.org)',
  npm: 'Install Node.js (https://nodejs.org)',
  python3: 'Install Python 3 (https://www.python.org/downloads/)',
  python: 'Install Python 3 (https://www.python.org/downloads/)',
  go: 'Install Go (https://go.dev/dl/)',
  uv: 'Install uv (https://docs.astral.sh/uv/)',
  deno: 'Install Deno (https://deno.com)',
  bun: 'Install Bun (https://bun.sh)',
};

const missingVenv: Diagnose = (ctx) => {
  if (!ctx.notFound) return undefined;
  // Any relative `<folder>/bin/python`: .venv, venv, env, .direnv/python-3.12 ...
  const venv = /^(?:\.\/)?([^/].*?)\/bin\/python[\d.]*$/.exec(ctx.command)?.[1];
  if (!venv || has(ctx, join(venv, 'pyvenv.cfg'))) return undefined;
  const python = findOnPath('python3', ctx.path) ? 'python3' : undefined;
  const steps = `python3 -m venv ${venv} && ${pythonInstall(ctx, `${venv}/bin/python`)}`;
  return {
    id: 'python-venv-missing',
    message: `The plugin runs ${ctx.command}, but the virtual environment ${venv} does not exist yet.`,
    hint: python ? `In ${ctx.dir} run: ${steps}` : `Install Python 3 (https://www.python.org/downloads/), then in ${ctx.dir} run: ${steps}`,
  };
};

const missingGoBinary: Diagnose = (ctx) => {
  if (!ctx.notFound || isBareName(ctx.command) || isAbsolute(ctx.command) || !has(ctx, 'go.mod')) return undefined;
  const build = `go build -o ${ctx.command.replace(/^\.\//, '')} .`;
  const go = findOnPath('go', ctx.path);
  return {
    id: go ? 'go-binary-missing' : 'go-toolchain-missing',
    message: `The plugin runs ${ctx.command}, which has not been built${go ? '' : ', and the Go toolchain (go) is not on PATH'}.`,
    hint: go ? `In ${ctx.dir} run: ${build}` : `Install Go (https://go.dev/dl/), then in ${ctx.dir} run: ${build}`,
  };
};

const commandNotOnPath: Diagnose = (ctx) => {
  if (!ctx.notFound || !isBareName(ctx.command)) return undefined;
  const local = ['node_modules/.bin', '.venv/bin', 'venv/bin'].map((dir) => `${dir}/${ctx.command}`).find((file) => isExecutable(join(ctx.dir, file)));
  const install = TOOLCHAINS[ctx.command];
  return {
    id: 'command-not-on-path',
    message: `The plugin's command ${ctx.command} is not on PATH.`,
    hint: local
      ? `It is in the plugin folder: set \`command: ${local}\` in the manifest.`
      : (scriptBeside(ctx) ?? `${install ?? `Install ${ctx.command}`} so that ${ctx.command} is on PATH, or give its full path in \`command\` in the manifest.`),
  };
};

/**
 * `command: run.sh` with run.sh in the plugin folder: a bare name is looked up on PATH
 * only (no shell, and the folder is not on PATH), while a path is resolved from the
 * plugin folder, the command's working directory (docs/runtime.md). The shipped host
 * starts no processes at all, so this is how test and dev run it.
 */
function scriptBeside(ctx: StartContext): string | undefined {
  const file = join(ctx.dir, ctx.command);
  if (!existsSync(file) || !statSync(file).isFile()) return undefined;
  const chmod = isExecutable(file) ? '' : ` and make it executable (chmod +x ${ctx.command})`;
  return `${ctx.command} is in the plugin folder, but a bare name is looked up on PATH only: set \`command: ./${ctx.command}\` in the manifest${chmod}.`;
}

const commandFileMissing: Diagnose = (ctx) => {
  if (!ctx.notFound || isBareName(ctx.command)) return undefined;
  return {
    id: 'command-file-missing',
    message: `The plugin's command ${ctx.command} does not exist${isAbsolute(ctx.command) ? '' : ` in ${ctx.dir}`}.`,
    hint: 'Create it (build or install step?), or fix `command` in the manifest: a name on PATH, or a path relative to the manifest folder.',
  };
};

/** The first stderr line matching `pattern`, trimmed, for the evidence line. */
function lineMatching(stderr: string, pattern: RegExp): { line: string; match: RegExpExecArray } | undefined {
  for (const line of stderr.split('\n')) {
    const match = pattern.exec(line);
    if (match) return { line: line.trim(), match };
  }
  return undefined;
}

const nodeModulesMissing: Diagnose = (ctx) => {
  const found = lineMatching(ctx.stderr, /Cannot find (?:package|module) '([^']+)'/) ?? lineMatching(ctx.stderr, /ERR_MODULE_NOT_FOUND/);
  if (!found || !has(ctx, 'package.json')) return undefined;
  const name = found.match[1];
  // A relative import that is missing is a bug in the plugin, not an install step.
  if (name !== undefined && (name.startsWith('.') || name.startsWith('/'))) return undefined;
  const installed = has(ctx, 'node_modules');
  return {
    id: 'node-dependencies-missing',
    message: `The plugin stopped at start-up: ${name ? `the package ${name} is not installed` : 'a package it imports is not installed'}${installed ? '' : ' (there is no node_modules)'}.`,
    hint: `In ${ctx.dir} run: ${has(ctx, 'package-lock.json') ? 'npm ci' : 'npm install'}`,
    evidence: found.line,
  };
};

/**
 * The Python a plugin runs on: its command when that is an interpreter, else (a console
 * script such as uvicorn, gunicorn or flask) the interpreter named on the script's #! line.
 */
function pythonOf(ctx: StartContext): string {
  const command = ctx.command;
  if (/^python[\d.]*$/.test(basename(command))) return isBareName(command) ? command : command.replace(/^\.\//, '');
  const file = isBareName(command) ? findOnPath(command, ctx.path) : isAbsolute(command) ? command : join(ctx.dir, command);
  let firstLine = '';
  try {
    if (file) firstLine = readFileSync(file, 'latin1').slice(0, 512).split('\n', 1)[0] ?? '';
  } catch {
    firstLine = '';
  }
  return /^#!\s*(?:\S*\/env\s+)?(\S*python[\d.]*)(?:\s|$)/.exec(firstLine)?.[1] ?? 'python3';
}

const pythonModuleMissing: Diagnose = (ctx) => {
  const found = lineMatching(ctx.stderr, /ModuleNotFoundError: No module named '([^'.]+)[^']*'/);
  if (!found) return undefined;
  const python = pythonOf(ctx);
  return {
    id: 'python-dependencies-missing',
    message: `The plugin stopped at start-up: the Python package ${found.match[1]} is not installed for ${ctx.command}.`,
    hint: `In ${ctx.dir} run: ${pythonInstall(ctx, python)}`,
    evidence: found.line,
  };
};

const DIAGNOSES: readonly Diagnose[] = [missingVenv, missingGoBinary, commandNotOnPath, commandFileMissing, nodeModulesMissing, pythonModuleMissing];

export function diagnoseStart(ctx: StartContext): StartDiagnosis | undefined {
  for (const diagnose of DIAGNOSES) {
    const found = diagnose(ctx);
    if (found) return found;
  }
  return undefined;
}
