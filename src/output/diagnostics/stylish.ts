/**
 * Human output, eslint style: findings grouped by file, `line:col  severity  message  rule`,
 * the hint on the next line, and a summary. Colour only through the given chalk instance
 * (createStyle decides; it is plain when not a TTY or under NO_COLOR).
 */
import type { ChalkInstance } from 'chalk';
import type { ManifestFileResult } from '../../core/manifest/types.js';
import { countOf, displayPath, plural, type RenderOptions } from './shared.js';
import { oneLineSafe } from '../terminal-safe.js';

export interface StylishOptions extends RenderOptions {
  style: ChalkInstance;
  /** Print "path: ok" for clean files too (default: only files with findings). */
  listClean?: boolean;
}

export function renderStylish(files: readonly ManifestFileResult[], options: StylishOptions): string {
  const { style } = options;
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    errors += countOf(file.diagnostics, 'error');
    warnings += countOf(file.diagnostics, 'warning');
    if (file.diagnostics.length === 0) {
      if (options.listClean) lines.push(`${style.underline(displayPath(file.file, options.cwd))} ${style.green('ok')}`, '');
      continue;
    }
    lines.push(style.underline(oneLineSafe(displayPath(file.file, options.cwd))));
    const width = Math.max(...file.diagnostics.map((d) => `${d.line}:${d.column}`.length));
    for (const d of file.diagnostics) {
      const where = `${d.line}:${d.column}`.padEnd(width);
      const severity = d.severity === 'error' ? style.red('error  ') : style.yellow('warning');
      // A finding quotes the manifest's keys and values: control characters in them must not
      // reach the terminal (clear the screen, retitle the window), nor a line break split it.
      lines.push(`  ${style.dim(where)}  ${severity}  ${oneLineSafe(d.message)}  ${style.dim(d.rule)}`);
      if (d.hint) lines.push(`  ${' '.repeat(width)}  ${style.dim(`hint: ${oneLineSafe(d.hint)}`)}`);
    }
    lines.push('');
  }
  const problems = errors + warnings;
  // What the search passed over (file/skipped) is reported but is not a manifest.
  const passedOver = files.filter((file) => file.diagnostics.some((d) => d.rule === 'file/skipped')).length;
  const scope = `${plural(files.length - passedOver, 'manifest')}${passedOver > 0 ? ` and ${plural(passedOver, 'skipped path')}` : ''}`;
  if (problems === 0) {
    lines.push(style.green(`✔ ${scope} checked, no problems.`));
  } else {
    const mark = errors > 0 || options.strict ? style.red('✖') : style.yellow('⚠');
    lines.push(`${mark} ${plural(problems, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}) in ${scope}.${errors === 0 && options.strict ? ' Warnings fail under --strict.' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
