/**
 * An error that ends `validate` or `test` before its report exists (a usage error in
 * the command line, a path that does not exist) still gives a machine format asked for
 * its document on stdout, as `test` already did for errors during a run. The command
 * line may not have parsed, so the format flags are read from argv here, the way
 * commander reads them (`--format json`, `--format=json`, `-f json`, `-fjson`; the
 * last --format wins; --reporter repeats and takes comma lists).
 */
import { DIAGNOSTIC_FORMATS, TEST_REPORTERS, type DiagnosticFormat, type TestReporter } from './commands/options.js';
import { LoomPluginError } from './core/errors.js';
import type { CliIo } from './output/io.js';
import type { ErrorDocumentFormat } from './output/error-documents.js';

/** Every value given to a flag, in order; flags after `--` are arguments. */
function flagValues(args: readonly string[], long: string, short: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg === long || arg === short) {
      if (i + 1 < args.length) values.push(args[i + 1]!);
      i += 1;
    } else if (arg.startsWith(`${long}=`)) values.push(arg.slice(long.length + 1));
    else if (arg.startsWith(short) && !arg.startsWith('--') && arg.length > short.length) values.push(arg.slice(short.length));
  }
  return values;
}

/** Where the document goes for `validate`: its --format (or github under Actions), if a machine one. */
async function validateFormat(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ErrorDocumentFormat | undefined> {
  const given = flagValues(args, '--format', '-f').pop();
  if (given !== undefined && !DIAGNOSTIC_FORMATS.includes(given as DiagnosticFormat)) return undefined;
  const { chooseFormat } = await import('./commands/validate.js');
  const format = chooseFormat(given as DiagnosticFormat | undefined, env);
  return format === 'stylish' ? undefined : format;
}

/** What `test` writes to stdout for its reporters (a document, and or annotations). */
async function testFormats(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ErrorDocumentFormat[]> {
  const names = flagValues(args, '--reporter', '-r').flatMap((value) => value.split(',')).map((name) => name.trim().toLowerCase()).filter(Boolean);
  if (names.some((name) => !TEST_REPORTERS.includes(name as TestReporter))) return [];
  const { defaultReporters, planReporters } = await import('./commands/test.js');
  const outputDir = flagValues(args, '--output-dir', '--output-dir').pop();
  try {
    const plan = planReporters(defaultReporters(names as TestReporter[], env), outputDir);
    return [...(plan.stdoutDocument ? [plan.stdoutDocument] : []), ...(plan.githubAnnotations ? (['github'] as const) : [])];
  } catch {
    // Reporters that cannot share stdout: that is the error itself, and no document fits.
    return [];
  }
}

/** `details.printed` only tells renderError that commander already wrote the message. */
function withoutPrintedMark(error: LoomPluginError): LoomPluginError {
  if (!error.details?.printed) return error;
  const { printed: _printed, ...details } = error.details;
  return new LoomPluginError(error.code, error.message, { ...(error.hint ? { hint: error.hint } : {}), ...(Object.keys(details).length > 0 ? { details } : {}) });
}

/** Writes the error document(s) the command line asked for, if any, to stdout. */
export async function writeErrorDocument(argv: readonly string[], error: unknown, io: CliIo): Promise<void> {
  const commandAt = argv.findIndex((arg) => !arg.startsWith('-'));
  const command = argv[commandAt];
  if (command !== 'validate' && command !== 'test') return;
  if (error instanceof LoomPluginError && error.code === 'E_INTERRUPTED') return;
  const shown =
    error instanceof LoomPluginError
      ? withoutPrintedMark(error)
      : new LoomPluginError('E_INTERNAL', `Internal error: ${error instanceof Error ? error.message : String(error)}`, {
          hint: 'This is a bug in loom-plugin. Run again with LOOM_PLUGIN_DEBUG=1 for details and report it.',
        });
  const args = argv.slice(commandAt + 1);
  const formats = command === 'validate' ? [await validateFormat(args, io.env)].filter((f) => f !== undefined) : await testFormats(args, io.env);
  if (formats.length === 0) return;
  const { renderErrorDocument } = await import('./output/error-documents.js');
  for (const format of formats) io.stdout.write(renderErrorDocument(command, format, shown));
}
