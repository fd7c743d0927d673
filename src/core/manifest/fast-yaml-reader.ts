/**
 * The block mappings and sequences of the fast YAML reader (fast-yaml.ts): the Reader
 * walks the lines splitting gave (fast-yaml-split.ts) by their indentation, builds the
 * data and the source tree, reports duplicate keys, and declines (Unsupported) what it
 * does not model; the values written on a line are read by fast-yaml-inline.ts. Apart
 * from the entry points, which decide what to do with where it stopped; every collection
 * it reads is kept (PrefixCollection) for a partial reparse to merge back.
 */
import { MAX_NESTING, setOwn } from './parse-issue.js';
import type { SourceNode } from './source-tree.js';
import { anchorMark, checkKey, defineAnchor, unsupported, type ReadContext } from './fast-yaml-scalar.js';
import { blockHeader } from './fast-yaml-block-scalar.js';
import { KEY_LINE, stripComment, type Line } from './fast-yaml-line.js';
import { blockRead, inlineRead, spannedRead, type Read } from './fast-yaml-inline.js';

/** A value that is only an anchor (`key: &name`): the block collection on the next lines is anchored. */
const ANCHOR_ONLY = /^&([A-Za-z0-9_-]+)$/;

/** Where yaml puts an absent value: the first non-blank after the indicator (newline or `#`). */
function absentAt(line: Line): number {
  return line.restStart + line.rest.length - line.rest.trimStart().length;
}

/** A block mapping or sequence the reader read before it declined: its node and its data so far. */
export type PrefixCollection =
  | { kind: 'map'; node: SourceNode & { kind: 'map' }; value: Record<string, unknown> }
  | { kind: 'seq'; node: SourceNode & { kind: 'seq' }; value: unknown[] };

export class Reader {
  index = 0;
  /** A comment after a key or dash with no value (`key: # note`): the tree would differ. */
  commentAfterAbsent = false;
  /** The deepest block collection read (the root mapping is 0). */
  deepest = 0;
  /** Every block mapping and sequence read, whole or in part (a partial reparse merges them back). */
  readonly collections: PrefixCollection[] = [];
  constructor(
    private readonly lines: Line[],
    private readonly ctx: ReadContext,
  ) {}

  peek(): Line | undefined {
    return this.lines[this.index];
  }

  /** Set when it declined the line after the last one it took, not that one (where a resumed read starts matters). */
  declinedNext = false;

  /** Declines the line peek() gives. */
  declineNext(): never {
    this.declinedNext = true;
    return unsupported();
  }

  /** The block value starting at the next line, if it belongs to `line` at `parentIndent`. */
  nested(line: Line, parentIndent: number, depth: number, allowSameIndentSeq: boolean): Read {
    const next = this.peek();
    if (next && next.indent > parentIndent) return this.block(next.indent, depth + 1);
    if (next && allowSameIndentSeq && next.indent === parentIndent && next.kind === 'item') return this.sequence(parentIndent, depth + 1);
    const at = absentAt(line);
    // An absent value ends its collection where it sits, not at the end of its line.
    // With a comment after it, yaml's range runs on over the comment and any blank lines
    // after it, which this reader does not see: no tree then (the full parser locates).
    if (line.rest.trimStart().startsWith('#')) this.commentAfterAbsent = true;
    return { value: null, node: { kind: 'scalar', start: at, end: at }, end: at };
  }

  /**
   * `key: &name` or `- &name` with a block collection on the next lines: yaml's range is
   * the collection's own. An anchor on an absent value is left to the full parser.
   */
  anchoredBlock(line: Line, parentIndent: number, depth: number, allowSameIndentSeq: boolean, name: string): Read {
    const aliasUses = this.ctx.aliasUses;
    const before = anchorMark(this.ctx, name);
    const read = this.nested(line, parentIndent, depth, allowSameIndentSeq);
    if (read.node.kind === 'scalar') unsupported();
    defineAnchor(this.ctx, name, read.value, aliasUses, before);
    return read;
  }

  block(indent: number, depth: number): Read {
    if (depth > MAX_NESTING) this.declineNext();
    if (depth > this.deepest) this.deepest = depth;
    const first = this.peek();
    if (!first || first.indent !== indent) return this.declineNext();
    return first.kind === 'item' ? this.sequence(indent, depth) : this.mapping(indent, depth, undefined);
  }

  mapping(indent: number, depth: number, firstInline: Line | undefined): Read {
    const out: Record<string, unknown> = {};
    const node: SourceNode & { kind: 'map' } = { kind: 'map', start: -1, end: 0, entries: [] };
    this.collections.push({ kind: 'map', node, value: out });
    if (firstInline) this.entry(out, node, firstInline, indent, depth);
    for (let line = this.peek(); line && line.indent === indent && line.kind === 'key'; line = this.peek()) {
      this.index++;
      this.entry(out, node, line, indent, depth);
    }
    const after = this.peek();
    if (after && after.indent > indent) this.declineNext();
    return { value: out, node, end: node.end };
  }

  /** One `key: value` of a mapping at `indent` (a method, not a closure per mapping: less garbage). */
  private entry(out: Record<string, unknown>, node: SourceNode & { kind: 'map' }, line: Line, indent: number, depth: number): void {
    // Reported here as the full parser does (the key, in document order); the last value wins.
    const keyEnd = line.keyStart + (line.keyLength ?? line.key.length);
    if (Object.prototype.hasOwnProperty.call(out, line.key)) this.ctx.onDuplicate(line.keyStart, keyEnd);
    const value = stripComment(line.rest);
    const rest = value === '' ? '' : line.rest;
    const anchor = line.block || line.spanned ? undefined : ANCHOR_ONLY.exec(value)?.[1];
    const read = line.block ? blockRead(line.block) : line.spanned ? spannedRead(line.spanned) : anchor !== undefined ? this.anchoredBlock(line, indent, depth, true, anchor) : rest === '' ? this.nested(line, indent, depth, true) : inlineRead(rest, line.restStart, line.end, depth + 1, this.ctx);
    setOwn(out, line.key, read.value);
    node.entries.push({ key: line.key, keyStart: line.keyStart, keyEnd, value: read.node });
    if (node.start === -1) node.start = line.questionAt ?? line.keyStart;
    node.end = read.end;
  }

  sequence(indent: number, depth: number): Read {
    const out: unknown[] = [];
    const node: SourceNode & { kind: 'seq' } = { kind: 'seq', start: -1, end: 0, items: [] };
    this.collections.push({ kind: 'seq', node, value: out });
    const push = (read: Read): void => {
      out.push(read.value);
      node.items.push(read.node);
      node.end = read.end;
    };
    for (let line = this.peek(); line && line.indent === indent && line.kind === 'item'; line = this.peek()) {
      this.index++;
      if (node.start === -1) node.start = line.keyStart;
      const rest = line.rest;
      const value = stripComment(rest);
      if (value === '') {
        push(this.nested(line, indent, depth, false));
        continue;
      }
      const anchor = value.charCodeAt(0) === 38 ? ANCHOR_ONLY.exec(value)?.[1] : undefined;
      if (anchor !== undefined && !line.block) {
        push(this.anchoredBlock(line, indent, depth, false, anchor));
        continue;
      }
      if (line.block && blockHeader(value)) {
        push(blockRead(line.block));
        continue;
      }
      if (line.spanned && !line.spanned.compact) {
        push(spannedRead(line.spanned));
        const after = this.peek();
        if (after && after.indent > indent) this.declineNext();
        continue;
      }
      const keyIndent = indent + 2 + (rest.length - rest.trimStart().length);
      const content = rest.trimStart();
      const compact = KEY_LINE.exec(content);
      if (compact && !/^["'[]/.test(content)) {
        const key = compact[1] ?? '';
        checkKey(key);
        const inlineRest = compact[2] ?? '';
        const keyStart = line.keyStart + keyIndent - indent;
        push(this.mapping(keyIndent, depth + 1, { indent: keyIndent, kind: 'key', key, rest: inlineRest, keyStart, restStart: keyStart + content.length - inlineRest.length, end: line.end, ...(line.block ? { block: line.block } : {}), ...(line.spanned ? { spanned: line.spanned } : {}) }));
        continue;
      }
      if (content.startsWith('- ')) unsupported();
      push(inlineRead(rest, line.restStart, line.end, depth + 1, this.ctx));
      const after = this.peek();
      if (after && after.indent > indent) this.declineNext(); // a continued multi-line scalar
    }
    return { value: out, node, end: node.end };
  }
}
