/**
 * The `loom-plugin test` reporters. Machine formats (json, junit, github) are pure
 * functions of the final report and are never coloured or animated; the human reporter
 * streams as results arrive.
 */
export { createHumanReporter, renderHumanReport, renderCatalogueText, type HumanReporter } from './human-reporter.js';
export { renderJsonReport, renderCatalogueJson } from './json-reporter.js';
export { renderJunitReport, renderJunitError } from './junit-reporter.js';
export { xmlEscape } from '../xml-escape.js';
export { renderGithubAnnotations, renderGithubSummary, escapeData, escapeProperty } from './github-reporter.js';

/** File each machine reporter writes under --output-dir. */
export const REPORT_FILE_NAMES = {
  json: 'loom-plugin-test.json',
  junit: 'loom-plugin-test.xml',
  github: 'loom-plugin-test.md',
} as const;
