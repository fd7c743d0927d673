/** Helpers the diagnostic reporters share: display paths, filtering, counts. */
import { isAbsolute, relative, sep } from 'node:path';
import type { Diagnostic, ManifestFileResult } from '../../core/manifest/types.js';

export interface ReportInput {
  files: ManifestFileResult[];
  errorCount: number;
  warningCount: number;
}

export interface RenderOptions {
  /** Paths are shown relative to this folder. */
  cwd: string;
  /** Warnings count as failures (JUnit failures, SARIF levels stay as they are). */
  strict?: boolean;
}

/** `.` or `..` segments, a doubled or trailing slash: paths path.relative would normalise first. */
const UNNORMALISED = /(?:^|\/)\.\.?(?:\/|$)|\/\/|.\/$/;

/**
 * path.relative(cwd, file) for the common case, a normalised file below a normalised cwd,
 * as a string slice: relative() resolves both paths on every call, which was the largest
 * cost of rendering a 1,000-file report. Undefined when the slice may differ from it.
 */
function below(file: string, cwd: string): string | undefined {
  if (sep !== '/' || UNNORMALISED.test(file) || UNNORMALISED.test(cwd) || !isAbsolute(cwd)) return undefined;
  const base = cwd === '/' ? '/' : `${cwd}/`;
  return file.length > base.length && file.startsWith(base) ? file.slice(base.length) : undefined;
}

/** Path as the user should see it: relative to cwd, with forward slashes. */
export function displayPath(file: string, cwd: string): string {
  const rel = isAbsolute(file) ? (below(file, cwd) ?? relative(cwd, file)) : file;
  // Outside the working folder an absolute path reads better than ../../..
  const shown = rel === '' || rel.startsWith('..') ? file : rel;
  return sep === '\\' ? shown.split(sep).join('/') : shown;
}

/** The report without warnings (for --quiet), counts recomputed. */
export function withoutWarnings(report: ReportInput): ReportInput {
  const files = report.files.map((file) => ({ ...file, diagnostics: file.diagnostics.filter((d) => d.severity === 'error') }));
  return { files, errorCount: report.errorCount, warningCount: 0 };
}

export function countOf(diagnostics: readonly Diagnostic[], severity: Diagnostic['severity']): number {
  return diagnostics.reduce((n, d) => n + (d.severity === severity ? 1 : 0), 0);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

