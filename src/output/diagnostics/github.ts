/**
 * GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=<rule>::msg`.
 * GitHub turns them into annotations on the changed lines. Values are escaped as the
 * runner expects (%, CR, LF in messages; also `:` and `,` in properties).
 */
import { displayPath, plural, type RenderOptions, type ReportInput } from './shared.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u009B]/g;

/**
 * A message or property as the runner expects it. Control characters other than line
 * breaks (which the runner decodes) are shown as `\xNN`: a finding quotes the manifest's
 * keys, and an escape sequence in one must not reach the CI log raw.
 */
export function escapeData(text: string): string {
  return text
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A')
    .replace(CONTROL, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function renderGithub(report: ReportInput, options: RenderOptions): string {
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const file of report.files) {
    const path = escapeProperty(displayPath(file.file, options.cwd));
    for (const d of file.diagnostics) {
      if (d.severity === 'error') errors++;
      else warnings++;
      const command = d.severity === 'error' || options.strict ? 'error' : 'warning';
      const end = d.endLine !== undefined ? `,endLine=${d.endLine}${d.endColumn !== undefined && d.endLine === d.line ? `,endColumn=${d.endColumn}` : ''}` : '';
      const message = d.hint ? `${d.message}\nhint: ${d.hint}` : d.message;
      lines.push(`::${command} file=${path},line=${d.line},col=${d.column}${end},title=${escapeProperty(d.rule)}::${escapeData(message)}`);
    }
  }
  lines.push(`loom-plugin validate: ${plural(report.files.length, 'manifest')}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}.`);
  return `${lines.join('\n')}\n`;
}
