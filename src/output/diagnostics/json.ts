/**
 * Versioned machine output. `version` changes only on an incompatible change. The parsed
 * manifest is deliberately not included: it may hold secrets (sensitive defaults, env).
 */
import { countOf, displayPath, type RenderOptions, type ReportInput } from './shared.js';

export const JSON_REPORT_VERSION = 1;

export function renderJson(report: ReportInput, options: RenderOptions): string {
  const files = report.files.map((file) => ({
    file: displayPath(file.file, options.cwd),
    valid: !file.diagnostics.some((d) => d.severity === 'error'),
    errorCount: countOf(file.diagnostics, 'error'),
    warningCount: countOf(file.diagnostics, 'warning'),
    diagnostics: file.diagnostics.map((d) => ({ ...d, file: displayPath(d.file, options.cwd) })),
  }));
  const errorCount = files.reduce((n, f) => n + f.errorCount, 0);
  const warningCount = files.reduce((n, f) => n + f.warningCount, 0);
  const summary = {
    files: files.length,
    errorCount,
    warningCount,
    ok: errorCount === 0 && !(options.strict && warningCount > 0),
  };
  return `${JSON.stringify({ version: JSON_REPORT_VERSION, files, summary }, null, 2)}\n`;
}
