/**
 * `--reporter json`: the versioned TestRunReport as one JSON document (reportVersion 1).
 * Secrets are masked before the report reaches here; nothing is added.
 */
import type { TestRunReport, CheckInfo } from '../../core/conformance/types.js';

export function renderJsonReport(report: TestRunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** `--list --reporter json`: the catalogue, versioned like the report. */
export function renderCatalogueJson(checks: readonly CheckInfo[]): string {
  const list = checks.map((check) => ({
    id: check.id,
    title: check.title,
    endpoint: check.endpoint,
    level: check.level,
    ...(check.capability ? { capability: check.capability } : {}),
    contract: check.contract,
  }));
  return `${JSON.stringify({ reportVersion: 1, checks: list }, null, 2)}\n`;
}
