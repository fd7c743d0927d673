/**
 * SARIF 2.1.0 (GitHub code scanning, IDEs). Every rule of the catalogue is listed in the
 * driver so rule indexes are stable between runs; each finding becomes a result with a
 * region. Paths are relative to the working directory (uriBaseId %SRCROOT%).
 */
import { RULES } from '../../core/validate/rule-catalogue.js';
import { ownVersion } from '../../core/package-root.js';
import { displayPath, type RenderOptions, type ReportInput } from './shared.js';

const HELP_URI = 'https://www.npmjs.com/package/loom-plugin#validate';

export function renderSarif(report: ReportInput, options: RenderOptions): string {
  const ruleIndex = new Map(RULES.map((rule, index) => [rule.id, index]));
  const results = report.files.flatMap((file) =>
    file.diagnostics.map((d) => {
      const region: Record<string, number> = { startLine: d.line, startColumn: d.column };
      if (d.endLine !== undefined && d.endColumn !== undefined && (d.endLine > d.line || d.endColumn > d.column)) {
        region.endLine = d.endLine;
        region.endColumn = d.endColumn;
      }
      const index = ruleIndex.get(d.rule);
      return {
        ruleId: d.rule,
        ...(index === undefined ? {} : { ruleIndex: index }),
        level: d.severity === 'error' || options.strict ? 'error' : 'warning',
        message: { text: d.hint ? `${d.message} Hint: ${d.hint}` : d.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(displayPath(file.file, options.cwd)), uriBaseId: '%SRCROOT%' }, region } }],
      };
    }),
  );
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'loom-plugin',
            version: ownVersion(),
            informationUri: HELP_URI,
            rules: RULES.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()),
              shortDescription: { text: rule.summary },
              fullDescription: { text: rule.summary },
              help: { text: `${rule.summary} See docs/cli-validate.md for every rule.` },
              defaultConfiguration: { level: rule.severity },
            })),
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
