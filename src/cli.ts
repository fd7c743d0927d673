/**
 * Command-line wiring: the commander program (each command's definition is in
 * cli-commands.ts), lazy command imports, and the single exit point. Nothing else in
 * the package calls process.exit.
 *
 *   parseArgs(argv)  -> which command with which typed options (table-tested)
 *   main(argv, io)   -> runs it, renders errors, returns the exit code (tests call this)
 *   runFromProcess() -> builds io from `process`, handles signals, flushes, exits
 */
import { Command, CommanderError } from './cli-commander.js';
import { commanderUsageError } from './cli-usage-errors.js';
import { addDevCommand, addInitCommand, addSchemaCommand, addSyncCommand, addTestCommand, addValidateCommand, examples } from './cli-commands.js';
import type { DevOptions, InitOptions, SchemaOptions, SyncOptions, TestOptions, ValidateOptions } from './commands/options.js';
import { ExitCode, LoomPluginError, isLoomPluginError, usageError } from './core/errors.js';
import { ownVersion } from './core/package-root.js';
import { abortedByClosedOutput, flushOutput, outputClosedReason, watchOutput, type CliIo } from './output/io.js';

export type ParsedCommand =
  | { command: 'validate'; options: ValidateOptions }
  | { command: 'schema'; options: SchemaOptions }
  | { command: 'sync'; options: SyncOptions }
  | { command: 'test'; options: TestOptions }
  | { command: 'init'; options: InitOptions }
  | { command: 'dev'; options: DevOptions }
  /** --help or --version was printed; nothing to run. */
  | { command: 'none'; exitCode: number };

const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    findings: invalid manifest, failed checks
  2    usage or configuration error
  3    the plugin could not be started or crashed
  130  interrupted (Ctrl+C)
`;

function buildProgram(io: Pick<CliIo, 'stdout' | 'stderr'>, select: (parsed: ParsedCommand) => void): Command {
  const program = new Command('loom-plugin')
    .description('Scaffold, validate, conformance-test and run Loom AI-provider plugins.')
    .version(ownVersion(), '-v, --version', 'print the version')
    .option('--no-color', 'disable coloured output (NO_COLOR and FORCE_COLOR are honoured too)')
    .showSuggestionAfterError(true)
    .addHelpText('after', EXIT_CODES_HELP + examples([
      'npx loom-plugin init my-plugin --language python',
      'loom-plugin validate',
      'loom-plugin test ./my-plugin',
      'loom-plugin dev ./my-plugin --mock-upstream',
    ]));

  for (const add of [addValidateCommand, addSyncCommand, addSchemaCommand, addTestCommand, addInitCommand, addDevCommand]) add(program, select);

  // Route commander's own output through io, and turn its exits into values.
  const configure = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Its usage errors are rendered as ours (cli-usage-errors.ts): it prints none itself.
      outputError: () => undefined,
    });
    for (const sub of command.commands) configure(sub);
  };
  configure(program);
  return program;
}

/** Parses argv (without the node and script entries) into a command and typed options. */
export async function parseArgs(argv: string[], io: Pick<CliIo, 'stdout' | 'stderr'>): Promise<ParsedCommand & { noColor: boolean }> {
  let selected: ParsedCommand | undefined;
  const program = buildProgram(io, (parsed) => {
    selected = parsed;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
        return { command: 'none', exitCode: ExitCode.Ok, noColor: false };
      }
      if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') {
        // Help was shown because no command was given.
        throw usageError('No command given.', 'Run loom-plugin --help to see the commands.');
      }
      throw commanderUsageError(error, program, argv);
    }
    // Our own parsers throw LoomPluginError through commander's InvalidArgumentError path.
    throw error;
  }
  const noColor = program.opts<{ color: boolean }>().color === false;
  if (!selected) {
    program.outputHelp({ error: true });
    throw usageError('No command given.', 'Run loom-plugin --help to see the commands.');
  }
  return { ...selected, noColor };
}

async function dispatch(parsed: ParsedCommand, io: CliIo): Promise<number> {
  switch (parsed.command) {
    case 'none':
      return parsed.exitCode;
    case 'validate':
      return (await import('./commands/validate.js')).run(parsed.options, io);
    case 'schema':
      return (await import('./commands/schema.js')).run(parsed.options, io);
    case 'sync':
      return (await import('./commands/sync.js')).run(parsed.options, io);
    case 'test':
      return (await import('./commands/test.js')).run(parsed.options, io);
    case 'init':
      return (await import('./commands/init.js')).run(parsed.options, io);
    case 'dev':
      return (await import('./commands/dev.js')).run(parsed.options, io);
  }
}

/** Prints a user-facing error: one sentence, a hint, no stack trace (unless debugging). */
export async function renderError(error: unknown, io: CliIo): Promise<number> {
  // Imported here, not at the top: chalk is ~8 ms CPU of every start (--version included).
  const { createStyle } = await import('./output/style.js');
  const style = createStyle(io, io.stderr);
  if (isLoomPluginError(error)) {
    if (error.code === 'E_INTERRUPTED') {
      // Stopped because the reader closed our output: it asked for no more, so none is said.
      if (!abortedByClosedOutput(io.signal)) io.stderr.write(`${style.yellow('Interrupted.')}\n`);
      return error.exitCode;
    }
    io.stderr.write(`${style.red('Error:')} ${error.message}\n`);
    if (error.hint) io.stderr.write(`${style.dim('Hint:')} ${error.hint}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`${style.red('Internal error:')} ${message}\n`);
  io.stderr.write('This is a bug in loom-plugin. Run again with LOOM_PLUGIN_DEBUG=1 for details and report it.\n');
  if (io.env.LOOM_PLUGIN_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return ExitCode.Usage;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const parsed = await parseArgs(argv, io);
    return await dispatch(parsed, { ...io, noColor: io.noColor || parsed.noColor });
  } catch (error) {
    if (io.signal.aborted && !isLoomPluginError(error)) return await renderError(new LoomPluginError('E_INTERRUPTED', 'Interrupted.'), io);
    // A machine format asked for gets the error as its document on stdout, too.
    await (await import('./cli-error-document.js')).writeErrorDocument(argv, error, io);
    return await renderError(error, io);
  }
}

/** The process entry, used by bin/loom-plugin.js. The only place that exits. */
export async function runFromProcess(): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts += 1;
    // A second Ctrl+C means "now": cleanup already had its chance.
    if (interrupts > 1) process.exit(ExitCode.Interrupted);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A reader that closes stdout or stderr (`| head`, `| grep -q`, a pager quit early) wants
  // no more output. Work still running stops by the Ctrl+C path (plugins and mock upstreams
  // stopped, nothing half-written), quietly; see the exit code below.
  const onOutputClosed = (): void => controller.abort(outputClosedReason());
  watchOutput(process.stdout, onOutputClosed);
  watchOutput(process.stderr, onOutputClosed);
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  };
  let code = await main(process.argv.slice(2), io);
  // Ctrl+C or SIGTERM is 130 even when the command finished meanwhile. A closed output is
  // 130 only when it stopped the command mid-way (it threw E_INTERRUPTED); a command that
  // had finished (validate and schema print their whole result at the end) keeps its own
  // code: the verdict was reached, only its printing was cut short, as `| head` asked.
  if (interrupts > 0) code = ExitCode.Interrupted;
  await Promise.all([flushOutput(process.stdout), flushOutput(process.stderr)]);
  process.exit(code);
}
