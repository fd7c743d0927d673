/**
 * Runs a composite action's steps the way the GitHub runner does, without GitHub: each
 * `run:` step in `bash --noprofile --norc -eo pipefail` with the runner's environment
 * (GITHUB_WORKSPACE, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT per step, GITHUB_ENV, GITHUB_PATH,
 * GITHUB_ACTION_PATH, RUNNER_TEMP, CI, GITHUB_ACTIONS), step outputs collected for later
 * `${{ steps.<id>.outputs.<name> }}`. Steps that `uses:` another action are not run; their
 * evaluated `with:` is recorded for the test to check.
 *
 * Only the expressions action.yml needs are understood (inputs.*, steps.*.outputs.*,
 * always(), success(), failure(), `==` against a string, `&&`); anything else throws, so a
 * new expression in action.yml makes the test fail instead of being silently misread.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';

interface ActionStep {
  name?: string;
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}

export interface ActionDefinition {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface StepRecord {
  name: string;
  ran: boolean;
  uses?: string;
  with?: Record<string, string>;
  /** Exit code of a run step. */
  code?: number | null;
  output?: string;
}

export interface ActionRun {
  steps: StepRecord[];
  /** What all run steps printed (GitHub reads workflow commands from it). */
  log: string;
  summary: string;
  outputs: Record<string, string>;
  failed: boolean;
}

export function readAction(file: string): ActionDefinition {
  return parse(readFileSync(file, 'utf8')) as ActionDefinition;
}

interface Context {
  inputs: Record<string, string>;
  steps: Record<string, Record<string, string>>;
  failed: boolean;
}

function value(term: string, context: Context): string | boolean {
  const t = term.trim();
  let match: RegExpExecArray | null;
  if (t === 'always()') return true;
  if (t === 'success()') return !context.failed;
  if (t === 'failure()') return context.failed;
  if ((match = /^'([^']*)'$/.exec(t))) return match[1]!;
  if ((match = /^inputs\.([\w-]+)$/.exec(t))) {
    if (!(match[1]! in context.inputs)) throw new Error(`unknown input ${match[1]}`);
    return context.inputs[match[1]!]!;
  }
  if ((match = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(t))) return context.steps[match[1]!]?.[match[2]!] ?? '';
  if ((match = /^(.+?)==(.+)$/.exec(t))) return value(match[1]!, context) === value(match[2]!, context);
  throw new Error(`expression not understood by the test runner: ${t}`);
}

function evaluate(expression: string, context: Context): string | boolean {
  const parts = expression.split('&&');
  if (parts.length > 1) return parts.every((part) => value(part, context) === true);
  return value(expression, context);
}

/** `${{ ... }}` inside a string replaced by its value. */
export function substitute(text: string, context: Context): string {
  return text.replace(/\$\{\{(.+?)\}\}/g, (_, expression: string) => String(evaluate(expression, context)));
}

function condition(step: ActionStep, context: Context): boolean {
  if (step.if === undefined) return !context.failed;
  const inner = /^\s*\$\{\{(.+)\}\}\s*$/.exec(step.if)?.[1] ?? step.if;
  // GitHub adds success() unless the condition names a status function.
  const result = evaluate(inner, context) === true;
  return /always\(\)|failure\(\)|success\(\)/.test(inner) ? result : result && !context.failed;
}

/** GITHUB_OUTPUT lines: `name=value` and `name<<DELIMITER ... DELIMITER`. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([\w-]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      while (++i < lines.length && lines[i] !== heredoc[2]) body.push(lines[i]!);
      outputs[heredoc[1]!] = body.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export async function runAction(actionDir: string, options: { workspace: string; inputs: Record<string, string>; env?: NodeJS.ProcessEnv }): Promise<ActionRun> {
  const action = readAction(join(actionDir, 'action.yml'));
  if (action.runs.using !== 'composite') throw new Error('not a composite action');
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) inputs[name] = options.inputs[name] ?? input.default ?? '';
  for (const name of Object.keys(options.inputs)) if (!(name in action.inputs)) throw new Error(`action.yml has no input ${name}`);
  const runnerTemp = await mkdtemp(join(options.workspace, '.runner-temp-'));
  const summaryFile = join(runnerTemp, 'step-summary.md');
  writeFileSync(summaryFile, '');
  const context: Context = { inputs, steps: {}, failed: false };
  const records: StepRecord[] = [];
  let log = '';
  for (const [index, step] of action.runs.steps.entries()) {
    const name = step.name ?? step.id ?? `step ${index + 1}`;
    if (!condition(step, context)) {
      records.push({ name, ran: false, ...(step.uses ? { uses: step.uses } : {}) });
      continue;
    }
    if (step.uses) {
      const withValues = Object.fromEntries(Object.entries(step.with ?? {}).map(([key, text]) => [key, substitute(String(text), context)]));
      records.push({ name, ran: true, uses: step.uses, with: withValues });
      continue;
    }
    if (step.shell !== 'bash') throw new Error(`${name}: only shell: bash is supported`);
    const outputFile = join(runnerTemp, `output-${index}`);
    writeFileSync(outputFile, '');
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([key, text]) => [key, substitute(String(text), context)]));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...options.env,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_ACTION_PATH: actionDir,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_OUTPUT: outputFile,
      GITHUB_ENV: join(runnerTemp, 'env'),
      GITHUB_PATH: join(runnerTemp, 'path'),
      RUNNER_TEMP: runnerTemp,
      ...stepEnv,
    };
    const result = await bash(substitute(step.run ?? '', context), options.workspace, env);
    log += result.output;
    if (step.id) context.steps[step.id] = parseOutputFile(readFileSync(outputFile, 'utf8'));
    if (result.code !== 0) context.failed = true;
    records.push({ name, ran: true, code: result.code, output: result.output });
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([key, output]) => [key, substitute(output.value, context)]));
  return { steps: records, log, summary: readFileSync(summaryFile, 'utf8'), outputs, failed: context.failed };
}
