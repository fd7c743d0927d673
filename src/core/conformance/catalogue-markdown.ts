/**
 * Renders the check catalogue as the Markdown of docs/checks.md. The doc is generated so
 * it cannot drift from CHECKS: test/conformance/command-checks-doc.test.ts fails when the
 * committed file differs, and rewrites it when run with LOOM_UPDATE_DOCS=1.
 */
import { DIALECTS } from '../runtime/dialects/index.js';
import { CHECK_IMPLEMENTATIONS } from './checks/index.js';
import { groupOf } from './check-group.js';
import type { CheckInfo } from './types.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderChecksMarkdown(checks: readonly CheckInfo[]): string {
  const out: string[] = [
    '# Conformance checks',
    '',
    '<!-- Generated from src/core/conformance/catalogue.ts. Do not edit by hand:',
    '     LOOM_UPDATE_DOCS=1 npx vitest run test/conformance/command-checks-doc.test.ts -->',
    '',
    `\`loom-plugin test\` runs these ${checks.length} checks (grouped here by the first part of the id; run order`,
    'within a group). Ids are stable: use them',
    'with `--only` / `--skip` (ids or globs such as `errors.*`) and in an `--expected-failures` file.',
    '',
    '- **required** checks fail the run (exit 1);',
    '- **recommended** checks are warnings, and fail the run only with `--strict`;',
    '- checks with a **capability** run only when the manifest declares it, and are skipped otherwise;',
    "- **host rule** checks are the shipped Loom host's own rules (their ids are `validate`'s for the same",
    '  rule): required under the default `--profile loom-host`, notes under `--profile guide`',
    '  ([cli-test.md](cli-test.md#profiles-loom-host-and-guide));',
    '- a check whose **needs first** check failed is not run: it is reported `blocked` by that root cause',
    '  ([cli-test.md](cli-test.md#one-root-cause-per-mistake)).',
    '',
    'The contract column names the section of the protocol each check enforces.',
  ];
  const groups = new Map<string, CheckInfo[]>();
  for (const check of checks) {
    const group = groupOf(check.id);
    groups.set(group, [...(groups.get(group) ?? []), check]);
  }
  for (const [group, list] of groups) {
    out.push('', `## ${group}`, '', '| Id | Level | Endpoint | Capability | Contract | Needs first | What it checks |', '|---|---|---|---|---|---|---|');
    for (const check of list) {
      const level = check.hostRule ? `${check.level} (host rule)` : check.level;
      const needs = (check.requires ?? []).map((id) => `\`${id}\``).join(', ');
      out.push(
        `| \`${check.id}\` | ${level} | \`${cell(check.endpoint)}\` | ${check.capability ?? ''} | ${cell(check.contract)} | ${needs} | ${cell(check.title)} |`,
      );
    }
  }
  const required = checks.filter((check) => check.level === 'required').length;
  out.push('', `${checks.length} checks: ${required} required, ${checks.length - required} recommended.`);
  out.push(...renderDialectSection(checks), '');
  return out.join('\n');
}

/** The mock's dialects (from their folders' data) and the checks that need the mock. */
function renderDialectSection(checks: readonly CheckInfo[]): string[] {
  const needsMock = checks.filter((check) => CHECK_IMPLEMENTATIONS[check.id]?.upstream === true).map((check) => `\`${check.id}\``);
  const out = [
    '',
    '## The mock upstream and its dialects',
    '',
    `${needsMock.length} checks (listed below) script the mock provider the suite points the plugin at. The`,
    "mock speaks the plugin's provider dialect, detected from the plugin's first upstream request",
    '(or pinned with `--upstream-dialect <name>`), and plays every fault in that provider\'s native',
    'error shape and status. `chat.forwarded` reads the forwarded request in the dialect\'s terms.',
    '',
    '| `--upstream-dialect` | Provider | Chat path | Key |',
    '|---|---|---|---|',
    ...DIALECTS.map((dialect) => `| \`${dialect.name}\` | ${dialect.title} | \`${cell(dialect.chatPath)}\` | \`${cell(dialect.authHint)}\` |`),
    '',
    'These checks need the mock upstream. They are skipped with `--no-mock-upstream` (for an',
    'upstream none of the dialects fit: point the plugin at a mock of your own through its',
    'config) and when the config schema has no field for the upstream URL (`--upstream-field`):',
    '',
  ];
  out.push(needsMock.join(', ') + '.', '');
  out.push(
    'The `error-table.*` rows for `authentication_failed`, `rate_limit_exceeded`,',
    '`provider_unavailable`, `timeout` and `internal_error` judge the answers to those faults, so',
    'they are skipped with them. Every other check runs against your plugin as usual.',
  );
  return out;
}

/** Marker comments around the catalogue table in README.md. */
export const README_CHECKS_BEGIN = '<!-- checks:begin (generated from src/core/conformance/catalogue.ts) -->';
export const README_CHECKS_END = '<!-- checks:end -->';

/** The compact catalogue table the README embeds between its markers. */
export function renderChecksReadmeTable(checks: readonly CheckInfo[]): string {
  const rows = checks.map(
    (check) => `| \`${check.id}\` | ${check.level} | ${check.capability ?? ''} | ${cell(check.title)} |`,
  );
  return ['| Check | Level | Needs | What it checks |', '|---|---|---|---|', ...rows].join('\n');
}

/** Replaces the README's catalogue section with the current table. */
export function spliceReadmeChecks(readme: string, checks: readonly CheckInfo[]): string {
  const begin = readme.indexOf(README_CHECKS_BEGIN);
  const end = readme.indexOf(README_CHECKS_END);
  if (begin < 0 || end < begin) return readme;
  return `${readme.slice(0, begin + README_CHECKS_BEGIN.length)}\n${renderChecksReadmeTable(checks)}\n${readme.slice(end)}`;
}
