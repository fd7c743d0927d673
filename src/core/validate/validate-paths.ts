/**
 * `validate` over many paths: find the manifests, check them one by one (one file open
 * at a time; reads are synchronous and cheap), then apply the cross-file rule
 * the host applies when it loads a folder: one plugin per provider_type.
 */
import { relative } from 'node:path';
import { throwIfAborted } from '../errors.js';
import { findManifests } from '../manifest/find-manifests.js';
import type { ManifestFileResult } from '../manifest/types.js';
import { analyzeManifestFile, type ManifestAnalysis } from './check-manifest.js';

export interface ValidationReport {
  files: ManifestFileResult[];
  errorCount: number;
  warningCount: number;
}

const YIELD_EVERY = 32;

function shownPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

export function countFindings(files: readonly ManifestFileResult[]): { errorCount: number; warningCount: number } {
  let errorCount = 0;
  let warningCount = 0;
  for (const file of files) {
    for (const d of file.diagnostics) {
      if (d.severity === 'error') errorCount++;
      else warningCount++;
    }
  }
  return { errorCount, warningCount };
}

async function applyDuplicateProviderTypes(analyses: ManifestAnalysis[], cwd: string): Promise<void> {
  const firstFile = new Map<string, string>();
  for (const analysis of analyses) {
    let type = analysis.providerType;
    if (!type) continue;
    const first = firstFile.get(type.value);
    if (first === undefined) {
      firstFile.set(type.value, analysis.result.file);
      continue;
    }
    const result = analysis.result;
    // Read fast (no positions): read again with positions; only for the rare duplicate.
    if (type.line === 0) type = (await analyzeManifestFile(result.file, { fast: false })).providerType ?? type;
    result.diagnostics.push({
      file: result.file,
      line: type.line,
      column: type.column,
      endLine: type.endLine,
      endColumn: type.endColumn,
      severity: 'error',
      rule: 'provider-type/duplicate',
      message: `provider_type "${type.value}" is already used by ${shownPath(first, cwd)}; the host refuses the second plugin.`,
      hint: 'Give each plugin its own provider_type.',
    });
    result.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message));
    result.manifest = undefined;
  }
}

/** Validates manifests under the given paths (none = cwd). Throws E_NO_MANIFEST / E_FILE_READ. */
export async function validatePaths(paths: string[], options: { cwd: string; signal?: AbortSignal }): Promise<ValidationReport> {
  const files = await findManifests(paths, options.cwd);
  const analyses: ManifestAnalysis[] = [];
  for (const [index, file] of files.entries()) {
    // Reads are synchronous (see read-manifest-file.ts); yield now and then so an abort is seen.
    if (index % YIELD_EVERY === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      throwIfAborted(options.signal);
    }
    analyses.push(await analyzeManifestFile(file));
  }
  await applyDuplicateProviderTypes(analyses, options.cwd);
  const results = analyses.map((analysis) => analysis.result);
  return { files: results, ...countFindings(results) };
}
