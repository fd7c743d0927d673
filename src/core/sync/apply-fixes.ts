/**
 * Applies the safe fixes that `validate` attaches to its findings (Diagnostic.fix) to a
 * YAML or JSON manifest text. YAML is edited through the `yaml` Document so comments,
 * key order and quoting survive; only the touched node changes.
 */
import type { Diagnostic, ManifestFix } from '../manifest/types.js';

export interface AppliedFix {
  fix: ManifestFix;
  /** Where the finding was, for the printed summary; undefined for a key that was added. */
  line: number | undefined;
  /** What was done, in words: `renamed "versoin" to "version"`. */
  summary: string;
}

export interface FixResult {
  text: string;
  applied: AppliedFix[];
  /** Fixes not made, with why (e.g. the target key exists already). */
  skipped: Array<{ fix: ManifestFix; line: number; reason: string }>;
}

function describePath(path: ReadonlyArray<string | number>): string {
  return path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : segment)).join('.').replace(/\.\[/g, '[');
}

function summaryOf(fix: ManifestFix): string {
  const parent = fix.path.slice(0, -1);
  if (fix.kind === 'rename-key') {
    return `renamed "${String(fix.path[fix.path.length - 1])}" to "${fix.to}"${parent.length > 0 ? ` in ${describePath(parent)}` : ''}`;
  }
  // Values are never echoed in full elsewhere; these two are not secrets (auto_start, endpoint).
  return fix.path.join('.') === 'endpoint' ? 'removed the trailing "/" from endpoint' : `set ${describePath(fix.path)}: ${JSON.stringify(fix.value)}`;
}

/** Fixes of the diagnostics, in file order, each once. */
export function fixesOf(diagnostics: readonly Diagnostic[]): Array<{ fix: ManifestFix; line: number }> {
  const seen = new Set<string>();
  const out: Array<{ fix: ManifestFix; line: number }> = [];
  for (const diagnostic of diagnostics) {
    if (!diagnostic.fix) continue;
    const key = JSON.stringify(diagnostic.fix);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ fix: diagnostic.fix, line: diagnostic.line });
  }
  return out;
}

export async function applyFixes(text: string, json: boolean, fixes: ReadonlyArray<{ fix: ManifestFix; line: number }>): Promise<FixResult> {
  if (fixes.length === 0) return { text, applied: [], skipped: [] };
  const { isMap, isScalar, parseDocument } = await import('yaml');
  // JSON is YAML too; for JSON the result is printed back as JSON below.
  // uniqueKeys off: its check is quadratic (minutes on a large file), and validate has
  // already reported duplicate keys as errors, which stop sync from writing.
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false });
  const applied: AppliedFix[] = [];
  const skipped: FixResult['skipped'] = [];
  for (const { fix, line } of fixes) {
    const parentPath = fix.path.slice(0, -1);
    const last = fix.path[fix.path.length - 1];
    const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
    if (!isMap(parent) || last === undefined) {
      skipped.push({ fix, line, reason: 'the place it points at is not a mapping' });
      continue;
    }
    if (fix.kind === 'rename-key') {
      if (parent.has(fix.to)) {
        skipped.push({ fix, line, reason: `"${fix.to}" is there already; keep one of the two by hand` });
        continue;
      }
      const pair = parent.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === last);
      if (!pair || !isScalar(pair.key)) {
        skipped.push({ fix, line, reason: 'the key was not found' });
        continue;
      }
      pair.key.value = fix.to;
    } else {
      const node = parent.get(last, true);
      if (isScalar(node)) node.value = fix.value;
      else parent.set(last, fix.value);
      if (!isScalar(node)) {
        applied.push({ fix, line: undefined, summary: summaryOf(fix) });
        continue;
      }
    }
    applied.push({ fix, line, summary: summaryOf(fix) });
  }
  if (applied.length === 0) return { text, applied, skipped };
  const out = json ? `${JSON.stringify(doc.toJS(), null, 2)}\n` : doc.toString({ lineWidth: 0 });
  return { text: out, applied, skipped };
}
