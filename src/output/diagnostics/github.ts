/**
 * GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=<rule>::msg`.
 * GitHub turns them into annotations on the changed lines. Values are escaped as the
 * runner expects (%, CR, LF in messages; also `:` and `,` in properties).
 */
import { displayPath, plural, type RenderOptions, type ReportInput } from './shared.js';

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
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
