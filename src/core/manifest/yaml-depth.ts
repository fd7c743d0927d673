/**
 * How deep a YAML text nests, measured before the parser runs. The `yaml` lexer, parser
 * and composer are recursive: about 900 nested block mappings, 800 flow brackets or 200k
 * `? ` on one line exhaust the stack. A manifest is a few levels deep, so one linear pass
 * over the raw text refuses anything deeper than MAX_NESTING before the parser sees it.
 *
 * Depth here is block depth (a stack of the columns where open block collections start)
 * plus flow depth (open `[` and `{`). The scan over-approximates on purpose (brackets in
 * plain text, a block scalar whose lines step right a hundred times); it never
 * under-counts, so nothing it lets through can be deeper than the limit.
 */
import { MAX_NESTING } from './parse-issue.js';

const isSpace = (ch: string | undefined): boolean => ch === ' ' || ch === '\t';
const isBlank = (ch: string | undefined): boolean => ch === undefined || ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
/** Characters after which a quote starts a quoted scalar ("it's" in plain text does not). */
const BEFORE_QUOTE = new Set([undefined, ' ', '\t', '\n', '[', '{', ',', ':', '-', '?']);

class DepthScan {
  private readonly columns: number[] = [];
  private flow = 0;
  private quote = '';

  constructor(private readonly text: string) {}

  private tooDeep(): boolean {
    return this.columns.length + this.flow > MAX_NESTING;
  }

  /** Indentation and compact indicators (`- - a`, `? ? a`) of a line outside flow and quotes. */
  private block(lineStart: number, lineEnd: number): number {
    const { text, columns } = this;
    let i = lineStart;
    while (text[i] === ' ') i++;
    if (i >= lineEnd || text[i] === '#' || text[i] === '\r') return -1;
    const indent = i - lineStart;
    while (columns.length > 0 && (columns[columns.length - 1] ?? 0) >= indent) columns.pop();
    columns.push(indent);
    while ((text[i] === '-' || text[i] === '?' || text[i] === ':') && isBlank(text[i + 1]) && i < lineEnd) {
      i++;
      while (i < lineEnd && isSpace(text[i])) i++;
      if (i >= lineEnd) break;
      columns.push(i - lineStart);
      if (this.tooDeep()) return i;
    }
    return this.tooDeep() ? lineStart + indent : -1;
  }

  /** Flow brackets, quotes and comments in text[from, lineEnd). */
  private inline(from: number, lineEnd: number): number {
    const { text } = this;
    for (let i = from; i < lineEnd; i++) {
      const ch = text[i];
      if (this.quote) {
        if (ch === '\\' && this.quote === '"') i++;
        else if (ch === this.quote) this.quote = '';
      } else if (ch === '"' || ch === "'") {
        if (BEFORE_QUOTE.has(text[i - 1])) this.quote = ch;
      } else if (ch === '#' && isBlank(text[i - 1])) {
        return -1; // the rest of the line is a comment
      } else if (ch === '[' || ch === '{') {
        this.flow++;
        if (this.tooDeep()) return i;
      } else if ((ch === ']' || ch === '}') && this.flow > 0) {
        this.flow--;
      }
    }
    return -1;
  }

  run(): number {
    const { text } = this;
    for (let lineStart = 0; lineStart < text.length; ) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd === -1) lineEnd = text.length;
      // Lines inside a flow collection or a quoted scalar are not block structure.
      const blockAt = this.flow === 0 && !this.quote ? this.block(lineStart, lineEnd) : -1;
      if (blockAt !== -1) return blockAt;
      const flowAt = this.inline(lineStart, lineEnd);
      if (flowAt !== -1) return flowAt;
      lineStart = lineEnd + 1;
    }
    return -1;
  }
}

/** Offset where the text nests deeper than MAX_NESTING, or -1. Linear in the text's length. */
export function tooDeepOffset(text: string): number {
  return new DepthScan(text).run();
}
