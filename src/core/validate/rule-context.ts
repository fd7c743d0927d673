/**
 * What a rule sees: the parsed data (not yet trusted: rules check types themselves) and
 * a `report` that turns a data path into a located Diagnostic with the rule's severity.
 */
import type { Diagnostic, ManifestFix } from '../manifest/types.js';
import { LineIndex, locate, type SourceNode } from '../manifest/source-tree.js';
import { ruleInfo } from './rule-catalogue.js';

export type DataPath = readonly (string | number)[];

export interface Finding {
  path: DataPath;
  /** Point at the key of the last segment instead of its value. */
  at?: 'key' | 'value';
  rule: string;
  message: string;
  hint?: string;
  severity?: 'error' | 'warning';
  fix?: ManifestFix;
  /** The JSON Schema keyword a schema finding comes from (kept for machine output). */
  keyword?: string;
}

export interface RuleContext {
  file: string;
  data: Record<string, unknown>;
  report(finding: Finding): void;
}

export type Rule = (ctx: RuleContext) => void;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `metadata.config_schema[0].type`: how people read a path. */
export function humanPath(path: DataPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out === '' ? 'the top level' : out;
}

/** Builds Diagnostics for one file from offsets or data paths. */
/**
 * Findings of one rule listed per file; the rest are counted in one last finding. A
 * hostile manifest with 100k unknown keys would otherwise produce 100k findings, and
 * every later step (sorting, the reporters, a worker thread's reply) pays for each.
 */
export const MAX_FINDINGS_PER_RULE = 100;

interface Omitted {
  count: number;
  start: number;
  severity: 'error' | 'warning';
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * File order: line, column, then rule id and message by code point. Not localeCompare:
 * its order follows the machine's locale (a CI runner and a laptop could disagree), and
 * its first call loads ICU's collation data, about 5 ms of every run that has two
 * findings at one place.
 */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column || byCodePoint(a.rule, b.rule) || byCodePoint(a.message, b.message);
}

export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];
  private readonly lines: LineIndex;
  /** Per rule, its findings so far and, past the cap, its omitted ones (one lookup per finding). */
  private readonly perRule = new Map<string, { count: number; omitted: Omitted | undefined }>();
  /** The omitted ones again, in the order their rules reached the cap (the summaries' order). */
  private readonly omitted = new Map<string, Omitted>();

  constructor(
    readonly file: string,
    text: string,
    private readonly tree: SourceNode | undefined,
    /** No mapping in `tree` repeats a key: locating then indexes a mapping only as far as it needs. */
    private readonly uniqueKeys = false,
  ) {
    this.lines = new LineIndex(text);
  }

  severityOf(rule: string): 'error' | 'warning' {
    return ruleInfo(rule)?.severity ?? 'error';
  }

  /**
   * Counts a finding of `rule`; false (and remembered as omitted) past the per-rule cap.
   * `first` says where an omitted finding is and how severe: asked for the first only.
   */
  private admit(rule: string, first: () => { start: number; severity: 'error' | 'warning' }): boolean {
    let counts = this.perRule.get(rule);
    if (!counts) this.perRule.set(rule, (counts = { count: 0, omitted: undefined }));
    counts.count += 1;
    if (counts.count <= MAX_FINDINGS_PER_RULE) return true;
    if (counts.omitted) {
      counts.omitted.count += 1;
    } else {
      counts.omitted = { count: 1, ...first() };
      this.omitted.set(rule, counts.omitted);
    }
    return false;
  }

  atOffsets(start: number, end: number, rule: string, message: string, hint?: string, severity?: 'error' | 'warning'): boolean {
    const level = severity ?? this.severityOf(rule);
    if (!this.admit(rule, () => ({ start, severity: level }))) return false;
    const from = this.lines.position(start);
    const to = this.lines.position(Math.max(start, end));
    this.diagnostics.push({
      file: this.file,
      line: from.line,
      column: from.column,
      endLine: to.line,
      endColumn: to.column,
      severity: level,
      rule,
      message,
      ...(hint ? { hint } : {}),
    });
    return true;
  }

  /** True while findings of `rule` are still listed (under the per-rule cap). */
  listing(rule: string): boolean {
    return (this.perRule.get(rule)?.count ?? 0) < MAX_FINDINGS_PER_RULE;
  }

  /** Counts a finding past the cap; only the first omitted one is located (for the summary's position). */
  omit(rule: string, place: () => Pick<Finding, 'path' | 'at' | 'severity'>): void {
    this.admit(rule, () => {
      const where = place();
      return { start: locate(this.tree, where.path, where.at ?? 'value', this.uniqueKeys).start, severity: where.severity ?? this.severityOf(rule) };
    });
  }

  atPath(finding: Finding): void {
    if (!this.listing(finding.rule)) {
      this.omit(finding.rule, () => finding);
      return;
    }
    const at = locate(this.tree, finding.path, finding.at ?? 'value', this.uniqueKeys);
    // A finding about the whole document points at its start, not a range over every line.
    const end = finding.path.length === 0 ? at.start : at.end;
    const added = this.atOffsets(at.start, end, finding.rule, finding.message, finding.hint, finding.severity);
    const last = this.diagnostics[this.diagnostics.length - 1];
    if (added && finding.fix && last) last.fix = finding.fix;
    if (added && finding.keyword && last) last.keyword = finding.keyword;
  }

  position(offset: number): { line: number; column: number } {
    return this.lines.position(offset);
  }

  /** File order: line, then column, then rule id (stable output for the same input). */
  sorted(): Diagnostic[] {
    const all = [...this.diagnostics].sort(compareDiagnostics);
    for (const [rule, omitted] of this.omitted) {
      const at = this.lines.position(omitted.start);
      all.push({
        file: this.file,
        line: at.line,
        column: at.column,
        endLine: at.line,
        endColumn: at.column,
        severity: omitted.severity,
        rule,
        message: `${omitted.count} more ${rule} findings in this file are not listed (the first ${MAX_FINDINGS_PER_RULE} are).`,
        hint: 'Fix the listed ones and run again; the others are of the same kind.',
      });
    }
    return all;
  }
}
