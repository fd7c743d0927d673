/**
 * JUnit XML for CI dashboards (GitLab, Jenkins): one testsuite per manifest, one testcase
 * per finding (a failure for errors, and for warnings under --strict), or one passing
 * testcase for a clean manifest.
 */
import type { Diagnostic } from '../../core/manifest/types.js';
import { displayPath, type RenderOptions, type ReportInput } from './shared.js';
import { xmlEscape } from '../xml-escape.js';

function detail(path: string, d: Diagnostic): string {
  return `${path}:${d.line}:${d.column} ${d.severity} ${d.message} (${d.rule})${d.hint ? `\nhint: ${d.hint}` : ''}`;
}

export function renderJunit(report: ReportInput, options: RenderOptions): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const file of report.files) {
    const path = xmlEscape(displayPath(file.file, options.cwd));
    const cases: string[] = [];
    let suiteFailures = 0;
    for (const d of file.diagnostics) {
      const name = xmlEscape(`${d.rule} at ${d.line}:${d.column}`);
      const text = xmlEscape(detail(displayPath(file.file, options.cwd), d));
      const fails = d.severity === 'error' || options.strict === true;
      if (fails) {
        suiteFailures++;
        cases.push(`    <testcase classname="${path}" name="${name}">\n      <failure type="${xmlEscape(d.rule)}" message="${xmlEscape(d.message)}">${text}</failure>\n    </testcase>`);
      } else {
        cases.push(`    <testcase classname="${path}" name="${name}">\n      <system-out>${text}</system-out>\n    </testcase>`);
      }
    }
    if (cases.length === 0) cases.push(`    <testcase classname="${path}" name="manifest is valid"/>`);
    tests += cases.length;
    failures += suiteFailures;
    suites.push(`  <testsuite name="${path}" tests="${cases.length}" failures="${suiteFailures}" errors="0" skipped="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="loom-plugin validate" tests="${tests}" failures="${failures}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
