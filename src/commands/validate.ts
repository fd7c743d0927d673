/**
 * `loom-plugin validate [paths...]`: find manifests, check them, print the findings in
 * the chosen format. Exit 0 when clean (warnings allowed), 1 on errors (or warnings with
 * --strict). No manifest / missing path throws (exit 2, rendered by the CLI).
 */
import type { ValidateOptions, DiagnosticFormat } from './options.js';
import type { CliIo } from '../output/io.js';
import { isTruthy } from '../output/io.js';
import { ExitCode } from '../core/errors.js';
import { validatePaths } from '../core/validate/validate-paths.js';
import { renderDiagnostics, withoutWarnings } from '../output/diagnostics/index.js';

/** github under GitHub Actions (GITHUB_ACTIONS=true) unless a format was given; else stylish. */
export function chooseFormat(format: DiagnosticFormat | undefined, env: NodeJS.ProcessEnv): DiagnosticFormat {
  if (format) return format;
  return isTruthy(env.GITHUB_ACTIONS) ? 'github' : 'stylish';
}

export async function run(options: ValidateOptions, io: CliIo): Promise<number> {
  const format = chooseFormat(options.format, io.env);
  // Only findings are printed: the manifests' data need not be kept (less garbage collection).
  const report = await validatePaths(options.paths, { cwd: io.cwd, signal: io.signal, keepManifests: false });
  const shown = options.quiet ? withoutWarnings(report) : report;
  // Only the human format gets a style (and loads chalk); machine formats are never coloured.
  const style = format === 'stylish' ? (await import('../output/style.js')).createStyle(io) : undefined;
  io.stdout.write(await renderDiagnostics(format, shown, { cwd: io.cwd, strict: options.strict, ...(style ? { style } : {}) }));
  const failed = report.errorCount > 0 || (options.strict && report.warningCount > 0);
  return failed ? ExitCode.Findings : ExitCode.Ok;
}
