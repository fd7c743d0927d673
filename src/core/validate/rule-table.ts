/** The rule catalogue as a Markdown table, for docs/cli-validate.md (kept in step by a test). */
import { RULES } from './rule-catalogue.js';

export const RULE_TABLE_START = '<!-- rules:start (generated from src/core/validate/rule-catalogue.ts; do not edit by hand) -->';
export const RULE_TABLE_END = '<!-- rules:end -->';

export function ruleTableMarkdown(): string {
  const escape = (text: string): string => text.replace(/\|/g, '\\|');
  const rows = RULES.map((rule) => `| \`${rule.id}\` | ${rule.severity} | ${escape(rule.summary)} |`);
  return [RULE_TABLE_START, '| Rule | Severity | What it finds |', '|---|---|---|', ...rows, RULE_TABLE_END].join('\n');
}
