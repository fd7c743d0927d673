/**
 * `loom-plugin test`: turns flags into a runConformance call and hands the report to the
 * reporters. Where reports go:
 *
 *   no --output-dir   one reporter on stdout; `human` + `github` may be combined (both are
 *                     log lines: the human report, then the workflow commands); json or
 *                     junit next to anything else is a usage error (two documents on one
 *                     stream would be unreadable), pass --output-dir for that.
 *   --output-dir DIR  json -> DIR/loom-plugin-test.json, junit -> DIR/loom-plugin-test.xml,
 *                     github -> DIR/loom-plugin-test.md (the step summary; annotations still
 *                     go to stdout, the only place GitHub reads them); the human report
 *                     always goes to stdout.
 * With `github`, the Markdown summary is also appended to $GITHUB_STEP_SUMMARY when set.
 *
 * Exit: 0 pass, 1 failures (or stale baseline entries, or recommended under --strict),
 * 2 usage, 3 the plugin could not start or crashed during the run, 130 interrupted.
 */
import { appendFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { ExitCode, isLoomPluginError, usageError, type LoomPluginError } from '../core/errors.js';
import { HOST_CALL_TIMEOUT_MS } from '../core/protocol.js';
import type { Diagnostic } from '../core/manifest/types.js';
import type { CliIo } from '../output/io.js';
import { createStyle } from '../output/style.js';
import { terminalSafe } from '../output/terminal-safe.js';
import type { TestOptions, TestReporter } from './options.js';
import type { ConformanceReport, HeldRun } from '../core/conformance/run-conformance.js';

interface Plan {
  /** Reporter written to stdout as a document (json or junit), if any. */
  stdoutDocument: 'json' | 'junit' | undefined;
  human: boolean;
  githubAnnotations: boolean;
  files: Array<'json' | 'junit' | 'github'>;
}

/**
 * No --reporter given (an empty list): human, plus github annotations under GitHub Actions
 * (like validate's automatic github format).
 */
export function defaultReporters(reporters: readonly TestReporter[], env: NodeJS.ProcessEnv): TestReporter[] {
  if (reporters.length > 0) return [...reporters];
  return env.GITHUB_ACTIONS === 'true' ? ['human', 'github'] : ['human'];
}

/** Decides where each reporter writes (see the header comment). Exported for tests. */
export function planReporters(reporters: readonly TestReporter[], outputDir: string | undefined): Plan {
  const unique = [...new Set(reporters.length > 0 ? reporters : (['human'] as TestReporter[]))];
  const githubAnnotations = unique.includes('github');
  if (outputDir !== undefined) {
    return {
      stdoutDocument: undefined,
      human: true,
      githubAnnotations,
      files: unique.filter((name): name is 'json' | 'junit' | 'github' => name !== 'human'),
    };
  }
  const documents = unique.filter((name): name is 'json' | 'junit' => name === 'json' || name === 'junit');
  if (documents.length > 0 && unique.length > 1) {
    throw usageError(
      `--reporter ${unique.join(',')} would write ${unique.length} reports to stdout; ${documents.join(' and ')} must be alone there.`,
      'Add --output-dir DIR to write each report to a file (the human report stays on stdout).',
    );
  }
  return { stdoutDocument: documents[0], human: unique.includes('human'), githubAnnotations, files: [] };
}

async function listChecks(options: TestOptions, io: CliIo, plan: Plan): Promise<number> {
  const { CHECKS, selectChecks } = await import('../core/conformance/catalogue.js');
  const checks = options.only.length > 0 || options.skip.length > 0 ? selectChecks(options.only, options.skip) : [...CHECKS];
  const reporters = await import('../output/test-reporters/index.js');
  if (plan.stdoutDocument === 'json' || (options.reporters.includes('json') && !plan.human)) {
    io.stdout.write(reporters.renderCatalogueJson(checks));
  } else {
    io.stdout.write(reporters.renderCatalogueText(checks, createStyle(io)));
  }
  return ExitCode.Ok;
}

export async function run(options: TestOptions, io: CliIo): Promise<number> {
  const plan = planReporters(defaultReporters(options.reporters, io.env), options.outputDir);
  if (options.list) return listChecks(options, io, plan);
  if (options.upstreamDialect && options.mockUpstream === false) {
    throw usageError('--upstream-dialect sets the dialect of the mock upstream, and --no-mock-upstream starts none.', 'Drop one of the two flags.');
  }

  // An unwritable --output-dir is found before the plugin runs, not after.
  if (plan.files.length > 0 && options.outputDir !== undefined) await ensureOutputDir(options.outputDir, io.cwd);

  const [{ runConformance }, reporters] = await Promise.all([
    import('../core/conformance/run-conformance.js'),
    import('../output/test-reporters/index.js'),
  ]);
  const human = plan.human ? await reporters.createHumanReporter(io, { strict: options.strict }) : undefined;

  const publish = (report: ConformanceReport): Promise<void> => publishReport(report, { io, plan, options, reporters, human });
  let published = false;
  let held = false;
  const keepRunning = async (info: HeldRun, report: ConformanceReport): Promise<void> => {
    await publish(report);
    published = true;
    held = true;
    const { holdUntilInterrupted } = await import('../output/keep-running.js');
    await holdUntilInterrupted(info, report, io);
  };

  let report;
  try {
    report = await runConformance({
      dir: options.dir,
      cwd: io.cwd,
      env: io.env,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      startupTimeoutMs: options.startupTimeoutMs,
      timeoutMs: options.timeoutMs,
      // The host waits 30 s for /initialize: a slow start it accepts must pass here too,
      // unless the user chose the limit.
      ...(options.timeoutGiven ? {} : { initializeTimeoutMs: Math.max(options.timeoutMs, HOST_CALL_TIMEOUT_MS) }),
      only: options.only,
      skip: options.skip,
      strict: options.strict,
      profile: options.profile,
      bail: options.bail,
      ...(options.overlap === false ? { overlap: false } : {}),
      ...(options.expectedFailures ? { expectedFailures: options.expectedFailures } : {}),
      ...(options.config ? { configFile: options.config } : {}),
      upstreamField: options.upstreamField,
      ...(options.upstreamDialect ? { upstreamDialect: options.upstreamDialect } : {}),
      ...(options.mockUpstream === false ? { mockUpstream: false } : {}),
      build: options.build,
      signal: io.signal,
      ...(human ? { onEvent: (event) => human.onEvent(event) } : {}),
      ...(options.keepRunning ? { keepRunning } : {}),
    });
  } catch (error) {
    human?.stop();
    if (!isLoomPluginError(error) || error.code === 'E_INTERRUPTED') throw error;
    return renderRunError(error, io, plan, options);
  }

  if (!published) await publish(report);
  if (held) {
    // The hold ended with Ctrl+C (or SIGTERM): everything is stopped; exit as interrupted.
    const mock = options.mockUpstream !== false;
    const stopped = options.endpoint ? (mock ? 'Stopped the mock upstream.' : 'Stopped holding; the plugin at --endpoint is yours.') : mock ? 'Stopped the plugin and the mock upstream.' : 'Stopped the plugin.';
    io.stderr.write(`${createStyle(io, io.stderr).dim(stopped)}\n`);
    return ExitCode.Interrupted;
  }
  if (report.pluginExit) return ExitCode.PluginFailed;
  return report.ok ? ExitCode.Ok : ExitCode.Findings;
}

type Reporters = typeof import('../output/test-reporters/index.js');

/** Everything a report produces: the human report, documents, files, the step summary. */
async function publishReport(
  report: ConformanceReport,
  { io, plan, options, reporters, human }: { io: CliIo; plan: Plan; options: TestOptions; reporters: Reporters; human: { finish(report: ConformanceReport): void } | undefined },
): Promise<void> {
  human?.finish(report);
  if (plan.stdoutDocument === 'json') io.stdout.write(reporters.renderJsonReport(report));
  if (plan.stdoutDocument === 'junit') io.stdout.write(reporters.renderJunitReport(report));
  const manifestPath = report.plugin.manifest ? relative(io.cwd, report.plugin.manifest) || report.plugin.manifest : undefined;
  if (plan.githubAnnotations) io.stdout.write(reporters.renderGithubAnnotations(report, manifestPath));

  if (plan.files.length > 0 && options.outputDir !== undefined) {
    const dir = resolve(io.cwd, options.outputDir);
    const written: string[] = [];
    try {
      for (const name of plan.files) {
        const text =
          name === 'json' ? reporters.renderJsonReport(report) : name === 'junit' ? reporters.renderJunitReport(report) : reporters.renderGithubSummary(report);
        const file = join(dir, reporters.REPORT_FILE_NAMES[name]);
        await writeFile(file, text);
        written.push(relative(io.cwd, file) || file);
      }
    } catch (error) {
      throw usageError(`Cannot write the reports to ${options.outputDir}: ${(error as Error).message}.`, 'Pass a folder you can write to with --output-dir.');
    }
    io.stdout.write(`${createStyle(io).dim(`Reports: ${written.join(', ')}`)}\n`);
  }
  if (plan.githubAnnotations && io.env.GITHUB_STEP_SUMMARY) {
    await appendFile(io.env.GITHUB_STEP_SUMMARY, reporters.renderGithubSummary(report));
  }
}

async function ensureOutputDir(outputDir: string, cwd: string): Promise<void> {
  // Not mkdir({ recursive: true }): under /proc it spins forever and Ctrl+C cannot end it.
  const { makeFolders } = await import('../core/init/make-folders.js');
  try {
    await makeFolders(resolve(cwd, outputDir));
  } catch (error) {
    const reason = isLoomPluginError(error) ? error.message.replace(/^Cannot create the folder /, 'cannot create ').replace(/\.$/, '') : (error as Error).message;
    throw usageError(`Cannot write the reports to ${outputDir}: ${reason}.`, 'Pass a folder you can write to with --output-dir.');
  }
}

/** Errors that stop a run before a report exists: say why, with what the plugin said. */
async function renderRunError(error: LoomPluginError, io: CliIo, plan: Plan, options: TestOptions): Promise<number> {
  const style = createStyle(io, io.stderr);
  if (error.code === 'E_MANIFEST_INVALID' && Array.isArray(error.details?.diagnostics)) {
    // The same findings, in the same format, as `loom-plugin validate` prints.
    const { renderStylish } = await import('../output/diagnostics/stylish.js');
    const file = String(error.details.file ?? '');
    const diagnostics = error.details.diagnostics as Diagnostic[];
    io.stderr.write(`${style.red('Error:')} ${error.message}\n\n`);
    io.stderr.write(renderStylish([{ file, dir: dirname(file), manifest: undefined, diagnostics }], { cwd: io.cwd, style }));
  } else {
    io.stderr.write(`${style.red('Error:')} ${error.message}\n`);
    const buildOutput = error.details?.buildOutput;
    if (typeof buildOutput === 'string' && buildOutput.trim() !== '') {
      // The compiler's own words are the message: shown whole (bounded by the build runner).
      io.stderr.write(`${style.dim(`What \`${String(error.details?.command ?? 'the build')}\` printed:`)}\n${terminalSafe(buildOutput).replace(/^/gm, '  ')}\n`);
    }
    // A diagnosed start failure shows the one line that gave it away, not the stack trace.
    const shown = error.details?.stderrShown;
    const tail = typeof shown === 'string' ? shown : error.details?.stderrTail;
    if (typeof tail === 'string' && tail.trim() !== '') {
      const label = typeof shown === 'string' ? 'The plugin said:' : 'Last lines the plugin wrote to stderr:';
      io.stderr.write(`${style.dim(label)}\n${terminalSafe(tail.replace(/\n+$/, '')).replace(/^/gm, '  ')}\n`);
    }
  }
  if (error.hint) io.stderr.write(`${style.dim('Hint:')} ${error.hint}\n`);
  // CI parsing the JSON report still gets a document, with the error instead of results
  // (the same documents a usage error gets: output/error-documents.ts).
  const { renderErrorDocument } = await import('../output/error-documents.js');
  if (plan.stdoutDocument) io.stdout.write(renderErrorDocument('test', plan.stdoutDocument, error));
  if (options.outputDir !== undefined && (plan.files.includes('json') || plan.files.includes('junit'))) {
    const dir = resolve(io.cwd, options.outputDir);
    await ensureOutputDir(options.outputDir, io.cwd);
    if (plan.files.includes('json')) await writeFile(join(dir, 'loom-plugin-test.json'), renderErrorDocument('test', 'json', error));
    if (plan.files.includes('junit')) await writeFile(join(dir, 'loom-plugin-test.xml'), renderErrorDocument('test', 'junit', error));
  }
  if (plan.githubAnnotations) {
    io.stdout.write(renderErrorDocument('test', 'github', error));
    if (io.env.GITHUB_STEP_SUMMARY) {
      await appendFile(io.env.GITHUB_STEP_SUMMARY, `## loom-plugin test: could not run ❌\n\n${error.message}\n${error.hint ? `\n${error.hint}\n` : ''}`);
    }
  }
  return error.exitCode;
}
