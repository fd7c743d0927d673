/**
 * Reading the lines splitting gave (fast-yaml-split.ts) into values: the Reader walks them
 * by their indentation into block mappings and sequences, and the values written on a
 * line (after `key: ` or `- `) are read here too: scalars (plain, quoted, tagged,
 * anchored, aliases), one-line flow collections, and the block and multi-line scalars
 * splitting already found. It builds the data and the source tree, reports duplicate keys
 * and declines (Unsupported) what it does not model; every collection it reads is kept
 * (PrefixCollection) for a partial reparse to merge back. Apart from the entry points
 * (fast-yaml.ts), which decide what to make of where it stopped.
 *
 * The values on a line stay in this file, not one of their own: V8 checks every use of
 * an imported function (it may not be initialized yet), which makes the hot methods
 * (Reader.entry) larger, and past V8's inlining budget `block` was no longer inlined into
 * `mapping` (2-3% of the reader's time).
 */
import { MAX_NESTING, setOwn } from './parse-issue.js';
import type { SourceNode } from './source-tree.js';
import { aliasValue, anchorMark, anchorName, checkKey, defineAnchor, plainScalar, plainText, quotedScalar, unsupported, type ReadContext } from './fast-yaml-scalar.js';
import { readTag, resolveTagged } from './fast-yaml-tag.js';
import { readFlowCollection } from './fast-yaml-flow.js';
import { blockHeader, type BlockScalar } from './fast-yaml-block-scalar.js';
import type { SpannedScalar } from './fast-yaml-multiline.js';
import { KEY_LINE, stripComment, type Line } from './fast-yaml-line.js';

/** A value that is only an anchor (`key: &name`): the block collection on the next lines is anchored. */
const ANCHOR_ONLY = /^&([A-Za-z0-9_-]+)$/;

/** A value with where it sits: the node, and the end of the last line it covers. */
export interface Read {
  value: unknown;
  node: SourceNode;
  end: number;
}

/** What follows a quoted scalar or flow collection (from `from` on) may only be a comment. */
function onlyComment(text: string, from: number): void {
  if (from < text.length && !/^\s+#/.test(text.slice(from))) unsupported();
}

/** `!tag value` (trimmed `text` at file offset `start`): the node (and its range) is the scalar after the tag; the tag decides its value. */
function taggedRead(text: string, start: number, lineEnd: number, ctx: ReadContext, rawEnd: number): Read {
  const tag = readTag(text, 0);
  const rest = text.slice(tag.next);
  if (rest === '') {
    // A tag on an empty value (`key: !!str`): yaml puts it, and the end of its collection,
    // where the line's blanks end, as for an absent value.
    const value = resolveTagged(tag.name, '', (message) => ctx.onTag(start, start + tag.end, message));
    return { value, node: { kind: 'scalar', start: rawEnd, end: rawEnd }, end: rawEnd };
  }
  if ('&*![{|>#'.includes(rest[0] ?? '')) unsupported();
  const quoted = rest[0] === '"' || rest[0] === "'" ? quotedScalar(rest, 0) : undefined;
  if (quoted) onlyComment(rest, quoted.next);
  const source = quoted ? quoted.value : plainText(stripComment(rest));
  const valueStart = start + tag.next;
  const value = resolveTagged(tag.name, source, (message) => ctx.onTag(start, start + tag.end, message));
  return { value, node: { kind: 'scalar', start: valueStart, end: valueStart + (quoted ? quoted.next : source.length) }, end: lineEnd };
}

/** A scalar or a one-line flow collection written after `key: ` or `- `, starting at offset `at`. */
function inlineRead(raw: string, at: number, lineEnd: number, depth: number, ctx: ReadContext): Read {
  const text = raw.trim();
  const start = at + raw.length - raw.trimStart().length;
  const first = text[0];
  if (first === '&') {
    // `&name value`: the node (and its range) is the value after the anchor.
    const anchor = anchorName(text, 0, text.length);
    // An anchor on an alias, or a second anchor, is an error yaml reports: the full parser's.
    const next = text.slice(anchor.next).trimStart()[0];
    if (next === '*' || next === '&') unsupported();
    const aliasUses = ctx.aliasUses;
    const before = anchorMark(ctx, anchor.name);
    const read = inlineRead(text.slice(anchor.next), start + anchor.next, lineEnd, depth, ctx);
    defineAnchor(ctx, anchor.name, read.value, aliasUses, before);
    return read;
  }
  if (first === '!') return taggedRead(text, start, lineEnd, ctx, at + raw.length);
  if (first === '*') {
    const plain = stripComment(text);
    const alias = anchorName(plain, 0, plain.length);
    if (alias.next !== plain.length) unsupported();
    return { value: aliasValue(ctx, alias.name, start, start + plain.length), node: { kind: 'scalar', start, end: start + plain.length }, end: lineEnd };
  }
  // No closures here: this runs for every value of every manifest, and two closures per
  // call were half of the reader's allocation (garbage collection on a 1,000-file run).
  if (first === '"' || first === "'") {
    const quoted = quotedScalar(text, 0);
    onlyComment(text, quoted.next);
    return { value: quoted.value, node: { kind: 'scalar', start, end: start + quoted.next }, end: lineEnd };
  }
  if (first === '[' || first === '{') {
    const flow = readFlowCollection(text, 0, start, depth, MAX_NESTING, ctx);
    onlyComment(text, flow.next);
    return { value: flow.value, node: flow.node, end: lineEnd };
  }
  const plain = stripComment(text);
  return { value: plainScalar(plain), node: { kind: 'scalar', start, end: start + plain.length }, end: lineEnd };
}

function blockRead(block: BlockScalar): Read {
  return { value: block.value, node: { kind: 'scalar', start: block.start, end: block.end }, end: block.end };
}

function spannedRead(scalar: SpannedScalar): Read {
  return { value: scalar.value, node: { kind: 'scalar', start: scalar.start, end: scalar.end }, end: scalar.lineEnd };
}

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
    // `&` first, as in sequence(): the expression ran for every entry of every manifest.
    // (Length first: charCodeAt past the end deoptimizes, see flowOpening.)
    const anchor = line.block || line.spanned || value.length < 2 || value.charCodeAt(0) !== 38 ? undefined : ANCHOR_ONLY.exec(value)?.[1];
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
        // Set after, not spread in: two object spreads per item were a runtime call each.
        const firstLine: Line = { indent: keyIndent, kind: 'key', key, rest: inlineRest, keyStart, restStart: keyStart + content.length - inlineRest.length, end: line.end };
        if (line.block) firstLine.block = line.block;
        if (line.spanned) firstLine.spanned = line.spanned;
        push(this.mapping(keyIndent, depth + 1, firstLine));
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
