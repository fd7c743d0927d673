/** Picks the reporter for a --format; each is a small module loaded only when used. */
import type { DiagnosticFormat } from '../../commands/options.js';
import type { RenderOptions, ReportInput } from './shared.js';
import type { ChalkInstance } from 'chalk';

export type { StylishOptions } from './stylish.js';
export { displayPath, withoutWarnings, type ReportInput, type RenderOptions } from './shared.js';

/** Renders a report. `style` (from createStyle) is used by stylish only; machine formats are plain by construction. */
export async function renderDiagnostics(format: DiagnosticFormat, report: ReportInput, options: RenderOptions & { style?: ChalkInstance }): Promise<string> {
  switch (format) {
    case 'stylish': {
      const style = options.style ?? new (await import('chalk')).Chalk({ level: 0 });
      return (await import('./stylish.js')).renderStylish(report.files, { ...options, style });
    }
    case 'json':
      return (await import('./json.js')).renderJson(report, options);
    case 'junit':
      return (await import('./junit.js')).renderJunit(report, options);
    case 'sarif':
      return (await import('./sarif.js')).renderSarif(report, options);
    case 'github':
      return (await import('./github.js')).renderGithub(report, options);
  }
}
