/**
 * An error that ends `validate` or `test` before its report exists (a usage error in
 * the command line, a path that does not exist) still gives a machine format asked for
 * its document on stdout, as `test` already did for errors during a run. The command
 * line may not have parsed, so the format flags are read from argv here, the way
 * commander reads them, from its own option table (`--format json`, `--format=json`,
 * `-f json`, `-fjson`, `-qf json`; the last --format wins; --reporter repeats and takes
 * comma lists).
 */
import { Command, type Option } from './cli-commander.js';
import { addTestCommand, addValidateCommand } from './cli-commands.js';
import { DIAGNOSTIC_FORMATS, TEST_REPORTERS, type DiagnosticFormat, type TestReporter } from './commands/options.js';
import { LoomPluginError } from './core/errors.js';
import type { CliIo } from './output/io.js';
import type { ErrorDocumentFormat } from './output/error-documents.js';

/** The options of `validate` or `test`, as commander defines them. */
function commandOptions(name: 'validate' | 'test'): readonly Option[] {
  const program = new Command();
  (name === 'validate' ? addValidateCommand : addTestCommand)(program, () => {});
  return program.commands[0]!.options;
}

/**
 * Every value given to the option named `long`, in order, read as commander reads argv:
 * a known flag that takes a value eats the next argument; in a group of short flags
 * (`-qf json`, `-qfjson`) the booleans are skipped up to one that takes the rest or the
 * next argument; arguments after `--` are no options.
 */
function flagValues(args: readonly string[], options: readonly Option[], long: string): string[] {
  const find = (flag: string) => options.find((option) => option.short === flag || option.long === flag);
  const takesValue = (option: Option) => option.required || option.optional;
  const values: string[] = [];
  const take = (option: Option, value: string | undefined) => {
    if (option.long === long && value !== undefined) values.push(value);
  };
  let group: string | undefined;
  let i = 0;
  while (i < args.length || group !== undefined) {
    const arg = group ?? args[i++]!;
    group = undefined;
    if (arg === '--') break;
    if (arg.length < 2 || !arg.startsWith('-')) continue;
    const whole = find(arg);
    if (whole) {
      if (takesValue(whole)) take(whole, whole.optional && args[i]?.startsWith('-') ? undefined : args[i++]);
      continue;
    }
    const first = arg[1] !== '-' && arg.length > 2 ? find(`-${arg[1]}`) : undefined;
    if (first) {
      if (takesValue(first)) take(first, arg.slice(2));
      else group = `-${arg.slice(2)}`;
      continue;
    }
    const equals = arg.indexOf('=');
    const named = arg.startsWith('--') && equals > 2 ? find(arg.slice(0, equals)) : undefined;
    if (named && takesValue(named)) take(named, arg.slice(equals + 1));
  }
  return values;
}

/** Where the document goes for `validate`: its --format (or github under Actions), if a machine one. */
async function validateFormat(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ErrorDocumentFormat | undefined> {
  const given = flagValues(args, commandOptions('validate'), '--format').pop();
  if (given !== undefined && !DIAGNOSTIC_FORMATS.includes(given as DiagnosticFormat)) return undefined;
  const { chooseFormat } = await import('./commands/validate.js');
  const format = chooseFormat(given as DiagnosticFormat | undefined, env);
  return format === 'stylish' ? undefined : format;
}

/** What `test` writes to stdout for its reporters (a document, and or annotations). */
async function testFormats(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ErrorDocumentFormat[]> {
  const names = flagValues(args, commandOptions('test'), '--reporter').flatMap((value) => value.split(',')).map((name) => name.trim().toLowerCase()).filter(Boolean);
  if (names.some((name) => !TEST_REPORTERS.includes(name as TestReporter))) return [];
  const { defaultReporters, planReporters } = await import('./commands/test.js');
  const outputDir = flagValues(args, commandOptions('test'), '--output-dir').pop();
  try {
    const plan = planReporters(defaultReporters(names as TestReporter[], env), outputDir);
    return [...(plan.stdoutDocument ? [plan.stdoutDocument] : []), ...(plan.githubAnnotations ? (['github'] as const) : [])];
  } catch {
    // Reporters that cannot share stdout: that is the error itself, and no document fits.
    return [];
  }
}

/** Writes the error document(s) the command line asked for, if any, to stdout. */
export async function writeErrorDocument(argv: readonly string[], error: unknown, io: CliIo): Promise<void> {
  const commandAt = argv.findIndex((arg) => !arg.startsWith('-'));
  const command = argv[commandAt];
  if (command !== 'validate' && command !== 'test') return;
  if (error instanceof LoomPluginError && error.code === 'E_INTERRUPTED') return;
  const shown =
    error instanceof LoomPluginError
      ? error
      : new LoomPluginError('E_INTERNAL', `Internal error: ${error instanceof Error ? error.message : String(error)}`, {
          hint: 'This is a bug in loom-plugin. Run again with LOOM_PLUGIN_DEBUG=1 for details and report it.',
        });
  const args = argv.slice(commandAt + 1);
  const formats = command === 'validate' ? [await validateFormat(args, io.env)].filter((f) => f !== undefined) : await testFormats(args, io.env);
  if (formats.length === 0) return;
  const { renderErrorDocument } = await import('./output/error-documents.js');
  for (const format of formats) io.stdout.write(renderErrorDocument(command, format, shown));
}
