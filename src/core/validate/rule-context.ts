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
export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];
  private readonly lines: LineIndex;

  constructor(
    readonly file: string,
    text: string,
    private readonly tree: SourceNode | undefined,
  ) {
    this.lines = new LineIndex(text);
  }

  severityOf(rule: string): 'error' | 'warning' {
    return ruleInfo(rule)?.severity ?? 'error';
  }

  atOffsets(start: number, end: number, rule: string, message: string, hint?: string, severity?: 'error' | 'warning'): void {
    const from = this.lines.position(start);
    const to = this.lines.position(Math.max(start, end));
    this.diagnostics.push({
      file: this.file,
      line: from.line,
      column: from.column,
      endLine: to.line,
      endColumn: to.column,
      severity: severity ?? this.severityOf(rule),
      rule,
      message,
      ...(hint ? { hint } : {}),
    });
  }

  atPath(finding: Finding): void {
    const where = locate(this.tree, finding.path, finding.at ?? 'value');
    // A finding about the whole document points at its start, not a range over every line.
    const end = finding.path.length === 0 ? where.start : where.end;
    this.atOffsets(where.start, end, finding.rule, finding.message, finding.hint, finding.severity);
    const added = this.diagnostics[this.diagnostics.length - 1];
    if (finding.fix && added) added.fix = finding.fix;
  }

  position(offset: number): { line: number; column: number } {
    return this.lines.position(offset);
  }

  /** File order: line, then column, then rule id (stable output for the same input). */
  sorted(): Diagnostic[] {
    return [...this.diagnostics].sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message));
  }
}
