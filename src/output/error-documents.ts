/**
 * What a machine format prints when the command stopped with an error before it had a
 * report: a document of the kind asked for, carrying the error's code, message and hint,
 * so CI that parses stdout gets something it can read instead of an empty stream (the
 * human text still goes to stderr). `test`'s own shapes for json and junit are reused
 * (output/test-reporters); validate's keep the fields its reports have.
 */
import type { LoomPluginError } from '../core/errors.js';
import { escapeData, escapeProperty } from './diagnostics/github.js';
import { ownVersion } from '../core/package-root.js';
import { renderJunitError } from './test-reporters/junit-reporter.js';
import { xmlEscape } from './xml-escape.js';

export type ErrorDocumentFormat = 'json' | 'sarif' | 'junit' | 'github';

const withHint = (error: LoomPluginError, glue: string): string => (error.hint ? `${error.message}${glue}${error.hint}` : error.message);

/** validate's JSON report with no files, `summary.ok` false, and the error. */
function validateJson(error: LoomPluginError): string {
  const summary = { files: 0, errorCount: 0, warningCount: 0, ok: false };
  return `${JSON.stringify({ version: 1, files: [], summary, error: error.toJSON() }, null, 2)}\n`;
}

/** SARIF's own place for "the tool could not run": a failed invocation with a notification. */
function validateSarif(error: LoomPluginError): string {
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'loom-plugin', version: ownVersion(), informationUri: 'https://www.npmjs.com/package/loom-plugin#validate' } },
        invocations: [
          {
            executionSuccessful: false,
            exitCode: error.exitCode,
            toolExecutionNotifications: [{ level: 'error', descriptor: { id: error.code }, message: { text: withHint(error, ' Hint: ') } }],
          },
        ],
        results: [],
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function validateJunit(error: LoomPluginError): string {
  const failure = `<failure type="${xmlEscape(error.code)}" message="${xmlEscape(error.message)}">${xmlEscape(withHint(error, '\nhint: '))}</failure>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites name="loom-plugin validate" tests="1" failures="1" errors="0">',
    '  <testsuite name="loom-plugin validate" tests="1" failures="1" errors="0" skipped="0">',
    `    <testcase classname="loom-plugin validate" name="validate could not run">\n      ${failure}\n    </testcase>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function testJson(error: LoomPluginError): string {
  return `${JSON.stringify({ reportVersion: 1, ok: false, error: error.toJSON() }, null, 2)}\n`;
}

function githubError(command: 'validate' | 'test', error: LoomPluginError): string {
  return `::error title=${escapeProperty(`loom-plugin ${command} (${error.code})`)}::${escapeData(withHint(error, '\n'))}\n`;
}

export function renderErrorDocument(command: 'validate' | 'test', format: ErrorDocumentFormat, error: LoomPluginError): string {
  if (format === 'github') return githubError(command, error);
  if (command === 'test') return format === 'junit' ? renderJunitError(error) : format === 'json' ? testJson(error) : '';
  return format === 'json' ? validateJson(error) : format === 'sarif' ? validateSarif(error) : validateJunit(error);
}
