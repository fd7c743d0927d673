/**
 * Human output of `init`: what was created, install progress (ora spinner on a terminal,
 * plain lines otherwise), the installer's output when it fails, and the next steps.
 */
import type { InstallStep } from '../core/init/install.js';
import type { NextStep } from '../core/init/next-steps.js';
import type { ScaffoldResult } from '../core/init/types.js';
import type { CliIo, OutStream } from './io.js';
import { createSpinner } from './spinner.js';
import { createStyle } from './style.js';

export function printScaffoldSummary(io: CliIo, result: ScaffoldResult, shownDir: string, language: string): void {
  const style = createStyle(io);
  io.stdout.write(`${style.green('✔')} Created ${style.bold(shownDir)} (${language}, ${result.files.length} files)\n`);
  for (const file of result.files) io.stdout.write(`  ${style.dim(file)}\n`);
  for (const item of result.unchanged) io.stdout.write(`  ${style.dim(`${item} (already up to date)`)}\n`);
  const warn = createStyle(io, io.stderr);
  for (const { file, backup } of result.backups) {
    io.stderr.write(`${warn.yellow('!')} ${file} was in the way; your version is kept as ${backup}\n`);
  }
  for (const d of result.manifestWarnings) {
    io.stderr.write(`${warn.yellow('warning')} plugin.yaml:${d.line}:${d.column} ${d.message} (${d.rule})\n`);
  }
}

export function printNextSteps(io: CliIo, steps: NextStep[]): void {
  const style = createStyle(io);
  const width = Math.max(...steps.map((step) => step.command.length));
  io.stdout.write(`\nNext steps:\n`);
  for (const step of steps) io.stdout.write(`  ${style.cyan(step.command.padEnd(width))}  ${style.dim(`# ${step.why}`)}\n`);
}

/** Progress of the install steps: a spinner on a terminal, one line per step elsewhere. */
export async function createInstallProgress(io: CliIo): Promise<{
  start(step: InstallStep, index: number, total: number): void;
  succeed(): void;
  fail(): void;
}> {
  const style = createStyle(io, io.stderr);
  let current = '';
  let started = 0;
  const seconds = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const spinner = await createSpinner(io);
  if (spinner) {
    return {
      start(step, index, total) {
        if (current) spinner.succeed(`${current} ${style.dim(seconds())}`);
        current = step.label;
        started = performance.now();
        spinner.start(`${step.label} ${style.dim(`(${index + 1}/${total})`)}`);
      },
      succeed() {
        if (current) spinner.succeed(`${current} ${style.dim(seconds())}`);
        current = '';
      },
      fail() {
        if (current) spinner.fail(current);
        current = '';
      },
    };
  }
  return {
    start(step, index, total) {
      if (current) io.stderr.write(`  done (${seconds()})\n`);
      current = step.label;
      started = performance.now();
      io.stderr.write(`${step.label} (${index + 1}/${total})...\n`);
    },
    succeed() {
      if (current) io.stderr.write(`  done (${seconds()})\n`);
      current = '';
    },
    fail() {
      current = '';
    },
  };
}

/** The tool's own output, so the user sees why npm/pip/go failed. */
export function printInstallOutput(stream: OutStream, output: string): void {
  const text = output.trimEnd();
  if (text === '') return;
  stream.write(`--- installer output (last lines) ---\n${text}\n--- end of installer output ---\n`);
}
