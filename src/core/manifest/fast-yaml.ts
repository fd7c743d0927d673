/**
 * A fast path for the YAML manifests are written in: block mappings and sequences,
 * plain, quoted and block scalars (over several lines too), flow collections, explicit
 * keys, tags on scalars, anchors and aliases, comments, CRLF line ends and separating
 * tabs (the files beside this one read each of these).
 *
 * Why: the full YAML parser costs about a millisecond per manifest, most of a
 * 1,000-file `validate` run. This reader is conservative: on anything it does not fully
 * understand (directives, document markers, tabs as indentation, a lone CR, control
 * characters, odd numbers, odd indentation...) it declines, and the caller uses the full
 * parser, or parses only the lines after those it read (partial-reparse.ts). Duplicate
 * keys and unresolved tags are reported as the full parser reports them. It also builds
 * the source tree with the ranges the full parser gives (readSimpleYamlWithTree), so a
 * large plain file with findings is located without the full parser. Property tests
 * check that the value, the tree and the findings agree with `yaml` wherever it answers.
 */
import { aliasLimitIssue, duplicateKeyIssue, unknownTagIssue, MAX_ALIAS_COUNT, MAX_NESTING, MAX_SYNTAX_ISSUES, setOwn, type ParseIssue, type ParsedSource } from './parse-issue.js';
import type { SourceNode } from './source-tree.js';
import { aliasValue, anchorMark, anchorName, checkKey, isWideChar, KEY_NAME_SOURCE, MAX_KEY_LENGTH, defineAnchor, plainScalar, plainText, quotedScalar, Unsupported, unsupported, type ReadContext } from './fast-yaml-scalar.js';
import { readTag, resolveTagged } from './fast-yaml-tag.js';
import { flowCollectionEnd, readFlowCollection } from './fast-yaml-flow.js';
import { blockHeader, readBlockScalar, type BlockScalar } from './fast-yaml-block-scalar.js';
import { explicitEntry } from './fast-yaml-explicit-key.js';
import { flowDocumentStart, readFlowDocument } from './fast-yaml-flow-document.js';
import { tooDeepOffset } from './yaml-depth.js';
import { offsetMap, readCrlf, untab } from './fast-yaml-blanks.js';
import { deeperLineFollows, spannedScalar, type SpannedScalar } from './fast-yaml-multiline.js';
import { readPastRegions, type Pass, type Region } from './fast-yaml-resume.js';

interface Line {
  indent: number;
  /** 'key' (`key: rest`), 'item' (`- rest`) */
  kind: 'key' | 'item';
  key: string;
  /** How long the key is as written, when not `key.length` (a quoted key: its quotes, escapes). */
  keyLength?: number;
  /** Text after `key:` or `- `, comment stripped; '' when nothing follows. */
  rest: string;
  /** Offsets: the key (or dash), where `rest` starts, and just past the line's newline. */
  keyStart: number;
  restStart: number;
  end: number;
  /** The block scalar (`|`, `>`) this line's value, or its compact key's value, is. */
  block?: BlockScalar;
  /** An explicit key (`? key`, then `: value` on the next line): where its `?` is. */
  questionAt?: number;
  /** A plain or quoted scalar going on over the next lines: this line's value, or (compact) its compact key's. */
  spanned?: SpannedScalar & { compact: boolean };
}

/** A value with where it sits: the node, and the end of the last line it covers. */
interface Read {
  value: unknown;
  node: SourceNode;
  end: number;
}

/**
 * `key: rest` or `key:` with a plain key. The rest may span lines: an item's compact
 * mapping whose value is a flow collection over several lines (a rest like that is no
 * block scalar header and no scalar, so the callers looking for those find none in it).
 */
const KEY_LINE = new RegExp(`^(<<|${KEY_NAME_SOURCE}):(?:[ ]+([\\s\\S]*))?$`);
/** A value that is only an anchor (`key: &name`): the block collection on the next lines is anchored. */
const ANCHOR_ONLY = /^&([A-Za-z0-9_-]+)$/;
/**
 * Deeper than this, yaml-depth.ts (which the full parser's path runs first) may refuse
 * the file as too deep; the reader then asks it, and declines what it refuses.
 */
const CHECKED_DEPTH = 40;

/** Removes a trailing ` # comment` from a plain value and trims it. */
function stripComment(text: string): string {
  if (text.startsWith('#')) return '';
  if (!text.includes('#')) return text.trim();
  const hash = text.search(/\s#/);
  return (hash === -1 ? text : text.slice(0, hash)).trim();
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
    return { value: aliasValue(ctx, alias.name), node: { kind: 'scalar', start, end: start + plain.length }, end: lineEnd };
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

/** A-Z a-z 0-9 _ . / - and letters of other scripts (the characters KEY_LINE allows after a key's first). */
function isNameChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 45 && code <= 57) || code === 95 || (code > 127 && isWideChar(code));
}

/** Index of the `:` ending a plain key at the start of `content` (KEY_LINE's key), or unsupported. */
function keyNameEnd(content: string): number {
  const first = content.charCodeAt(0);
  // `<<`: a plain key like any other (yaml 1.2's core schema, as the full path reads it, merges nothing).
  if (first === 60 && content.charCodeAt(1) === 60 && content.charCodeAt(2) === 58) return 2;
  if (!((first >= 97 && first <= 122) || (first >= 65 && first <= 90) || first === 95 || isWideChar(first))) return unsupported();
  let end = 1;
  while (end < content.length && isNameChar(content.charCodeAt(end))) end++;
  return content.charCodeAt(end) === 58 ? end : unsupported();
}

/**
 * `"key": rest` or `'key': rest` (`content` from the key on): a quoted key on one line,
 * read by the quoted-scalar reader, then `:` and a blank or the line's end. yaml's key
 * range is the key as written, quotes included; its value decides duplicates (`"a"` and
 * `a` are the same key). Reserved words and over-long keys are declined as plain ones are.
 */
function quotedKeyLine(content: string, indent: number, keyStart: number, end: number): Line {
  const quoted = quotedScalar(content, 0);
  const colon = quoted.next;
  if (content.charCodeAt(colon) !== 58 || quoted.value === '' || colon > MAX_KEY_LENGTH) unsupported();
  return keyLine(content, colon, quoted.value, indent, keyStart, end);
}

/**
 * The line `key: rest` whose key, as written, ends at content[colon] (a `:`): after it a
 * blank or the line's end, and the value after the blanks. Plain and quoted keys alike.
 */
function keyLine(content: string, colon: number, key: string, indent: number, keyStart: number, end: number): Line {
  let restAt = colon + 1;
  if (restAt < content.length) {
    if (content.charCodeAt(restAt) !== 32) unsupported();
    while (content.charCodeAt(restAt) === 32) restAt++;
  }
  checkKey(key);
  const rest = content.slice(restAt);
  const restStart = keyStart + content.length - rest.length;
  return colon === key.length ? { indent, kind: 'key', key, rest, keyStart, restStart, end } : { indent, kind: 'key', key, keyLength: colon, rest, keyStart, restStart, end };
}

/** Where a flow collection starts in this line's value (`key: {`, `- [`, `- key: {`), and its parent's indent. */
function flowOpening(line: Line): { at: number; parentIndent: number } | undefined {
  // In bounds (`key:` has an empty rest): an out-of-bounds charCodeAt deoptimizes the
  // reader, and optimizing splitLines again was a tenth of a cold 1,000-file run.
  const first = line.rest.length === 0 ? 0 : line.rest.charCodeAt(0);
  if (first === 91 || first === 123) return { at: line.restStart, parentIndent: line.indent };
  if (line.kind !== 'item' || (!line.rest.includes('[') && !line.rest.includes('{'))) return undefined;
  const inner = line.rest.trimStart();
  const innerFirst = inner.charCodeAt(0);
  if (innerFirst === 91 || innerFirst === 123) return { at: line.restStart + line.rest.length - inner.length, parentIndent: line.indent };
  const compact = KEY_LINE.exec(inner);
  const value = compact?.[2] ?? '';
  if (!compact || (value[0] !== '[' && value[0] !== '{')) return undefined;
  return { at: line.restStart + line.rest.length - value.length, parentIndent: line.indent + 2 + line.rest.length - inner.length };
}

/** A block scalar header ending this line (`key: |`, `- >-`, `- key: |+`): style, where, and its parent's indent. */
function blockScalarHeader(line: Line): { folded: boolean; chomp: string; start: number; parentIndent: number } | undefined {
  if (!line.rest.includes('|') && !line.rest.includes('>')) return undefined;
  const own = blockHeader(stripComment(line.rest));
  if (own) return { ...own, start: line.restStart + line.rest.length - line.rest.trimStart().length, parentIndent: line.indent };
  if (line.kind !== 'item') return undefined;
  // `- key: |`: the scalar belongs to a compact mapping whose keys sit at the key's column.
  const inner = line.rest.trimStart();
  const compact = KEY_LINE.exec(inner);
  const compactHeader = compact ? blockHeader(stripComment(compact[2] ?? '')) : undefined;
  if (!compact || !compactHeader) return undefined;
  const keyColumn = line.indent + 2 + line.rest.length - inner.length;
  return { ...compactHeader, start: line.restStart + line.rest.length - (compact[2] ?? '').length, parentIndent: keyColumn };
}

/** Where this line's scalar value starts, if it has one that may go on over the next lines, and its parent's indent. */
function scalarStart(line: Line): { start: number; parentIndent: number; compact: boolean } | undefined {
  // An empty rest is tested by its length: charCodeAt past the end deoptimizes (see flowOpening).
  if (line.rest.length === 0) return undefined;
  const first = line.rest.charCodeAt(0);
  if (first === 35 || first === 91 || first === 123) return undefined;
  if (line.kind === 'key') return { start: line.restStart, parentIndent: line.indent, compact: false };
  const inner = line.rest.trimStart();
  const innerStart = line.restStart + line.rest.length - inner.length;
  const compact = /^["'[{]/.test(inner) ? null : KEY_LINE.exec(inner);
  if (!compact) return { start: innerStart, parentIndent: line.indent, compact: false };
  const value = compact[2] ?? '';
  if (value === '') return undefined;
  return { start: line.restStart + line.rest.length - value.length, parentIndent: line.indent + 2 + line.rest.length - inner.length, compact: true };
}

/** Where splitLines is, so a caller can keep the lines split before it declined. */
interface SplitProgress {
  lines: Line[];
  /** Offset of the line being split (a declined line and any line pushed for it start here). */
  lineStart: number;
}

function splitLines(text: string, progress: SplitProgress = { lines: [], lineStart: 0 }): { lines: Line[]; indentedComment: boolean } {
  const lines = progress.lines;
  let indentedComment = false;
  let offset = 0;
  let previousIndent = -1;
  // Deepest indented comment since the last content line (-1: none).
  let pendingComment = -1;
  let afterBlock = false;
  // The line before was a plain or quoted scalar over several lines.
  let afterSpanned = false;
  const raws = text.split('\n');
  // A final newline leaves an empty string after it that is no line.
  const lineCount = text.endsWith('\n') ? raws.length - 1 : raws.length;
  for (let index = 0; index < lineCount; index++) {
    let source = raws[index] ?? '';
    const lineStart = offset;
    progress.lineStart = lineStart;
    offset += source.length + 1;
    const end = Math.min(offset, text.length);
    // Blank or comment line (tabs count as blanks here; other blanks were refused).
    let first = 0;
    // `first < length` first: a blank line must not read past its end (see flowOpening).
    while (first < source.length && (source.charCodeAt(first) === 32 || source.charCodeAt(first) === 9)) first++;
    if (first === source.length || source.charCodeAt(first) === 35) {
      // A tab before the comment (or on a blank line): yaml reads it as a blank, except
      // right after a block scalar (an error there) or a scalar over several lines (not
      // modelled); and its ranges around such a comment are not modelled: no tree.
      // What the line before left without a value (`key:`, `- key:`, `key: !!str`), if anything.
      const previous = lines[lines.length - 1];
      const pending = previous === undefined ? undefined : stripComment(previous.rest);
      if (source.lastIndexOf('\t', first) !== -1) {
        // Also refused: ending the file without a line break after an indented comment,
        // and a tab after a key or dash with no value yet (`x:` then a tab alone): yaml
        // may count that tab as the value's indentation, an error.
        if (afterBlock || afterSpanned || offset > text.length) unsupported();
        if (pending !== undefined && (pending === '' || pending.endsWith(':') || /(?:^|\s)[!&][^\s]*$/.test(pending))) unsupported();
        if (first < source.length) indentedComment = true;
      }
      // yaml's ranges around a comment right after a block scalar are not modelled here.
      if (afterBlock && source.includes('#')) indentedComment = true;
      // yaml counts an indented comment into a parent's range when it is deeper than the
      // line before it, deeper than the line after it, or last in the file; the ranges
      // here would differ, so such files get no tree. Other comments leave every range as
      // it is (checked against yaml by a property test).
      if (/^ +#/.test(source)) {
        const commentIndent = source.length - source.trimStart().length;
        if (commentIndent > previousIndent) indentedComment = true;
        pendingComment = Math.max(pendingComment, commentIndent);
      }
      // The same after a key or dash with no value yet (`args:` then `# note`): yaml's
      // range for the pending collection takes the comment in. `- key:` (a compact
      // mapping's first key, no value yet) too. And after a tag with no value yet (`key: !!str`).
      if (source.includes('#') && pending !== undefined && (pending === '' || pending.endsWith(':') || /(?:^|\s)!!?[\w-]*$/.test(pending))) indentedComment = true;
      continue;
    }
    afterBlock = false;
    afterSpanned = false;
    if (source.startsWith('---') || source.startsWith('...') || source.startsWith('%')) unsupported();
    // Tabs that separate (`key:\tvalue\t# c`) become spaces; any other tab is declined.
    if (source.includes('\t')) source = untab(source);
    const indent = first; // spaces only: a tab was refused just above
    previousIndent = indent;
    if (pendingComment > indent) indentedComment = true;
    pendingComment = -1;
    const content = source.slice(indent);
    const keyStart = lineStart + indent;
    let line: Line;
    if (content.startsWith('- ') || content === '-') {
      line = { indent, kind: 'item', key: '', rest: content === '-' ? '' : content.slice(2), keyStart, restStart: keyStart + (content === '-' ? 1 : 2), end };
    } else if (content.charCodeAt(0) === 63) {
      // `? key` and `: value` on the next line: one entry (fast-yaml-explicit-key.ts), its value on one line.
      index++;
      if (index >= lineCount) unsupported();
      const next = raws[index] ?? '';
      const entry = explicitEntry(content, next, lineStart, indent, offset);
      offset += next.length + 1;
      lines.push({ indent, kind: 'key', ...entry, end: Math.min(offset, text.length) });
      continue;
    } else if (content.charCodeAt(0) === 34 || content.charCodeAt(0) === 39) {
      line = quotedKeyLine(content, indent, keyStart, end);
    } else {
      // KEY_LINE by hand: this runs for every line of every manifest.
      const colon = keyNameEnd(content);
      line = keyLine(content, colon, content.slice(0, colon), indent, keyStart, end);
    }
    lines.push(line);
    const flow = flowOpening(line);
    if (flow) {
      // A flow collection that goes on over the next lines (`env: {` ... `}`): its lines
      // become part of this line's value, and each must sit right of its parent (or at
      // its column, starting with the collection's closing bracket).
      const close = flowCollectionEnd(text, flow.at);
      if (close === -1) unsupported();
      let spanned = false;
      while (offset < close) {
        index++;
        const next = raws[index] ?? '';
        if (index >= lineCount) unsupported();
        let nextIndent = 0;
        while (next.charCodeAt(nextIndent) === 32) nextIndent++;
        // yaml accepts the collection's own closing bracket at its parent's column, nothing else there or left of it.
        const closing = offset + nextIndent === close - 1;
        if (next.includes('\t') || nextIndent < flow.parentIndent || (nextIndent === flow.parentIndent && !closing)) unsupported();
        offset += next.length + 1;
        spanned = true;
      }
      if (spanned) {
        // yaml's ranges around a comment right after it are not modelled here (as after a block scalar).
        afterBlock = true;
        line.rest = text.slice(line.restStart, offset - 1);
        line.end = Math.min(offset, text.length);
      }
    }
    const header = blockScalarHeader(line);
    if (header) {
      // The lines after it are the scalar's text, whatever they look like.
      const read = readBlockScalar(raws, lineCount, index + 1, offset, header.parentIndent, header, header.start);
      line.block = read.scalar;
      index = read.next - 1;
      offset = read.offset;
      afterBlock = true;
    } else if (!flow && deeperLineFollows(raws, lineCount, index, line.indent)) {
      // A plain or quoted scalar that goes on over the next lines: they are its text.
      const value = scalarStart(line);
      const spanned = value && spannedScalar(text, raws, lineCount, index, offset, value.start, value.parentIndent);
      if (spanned) {
        line.spanned = { ...spanned, compact: value.compact };
        index = spanned.next - 1;
        offset = spanned.offset;
        afterSpanned = true;
      }
    }
  }
  return { lines, indentedComment: indentedComment || pendingComment !== -1 };
}

class Reader {
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

/** What the fast reader makes of a text; `tree` only when its ranges match yaml's exactly. */
export interface SimpleRead {
  value: Record<string, unknown>;
  tree: SourceNode | undefined;
  /** Duplicate keys, as the full parser reports them (at most MAX_SYNTAX_ISSUES). */
  issues: ParseIssue[];
}

/** A line the fast reader read whole before it declined the text (partial-reparse.ts). */
export type PrefixLine = Pick<Line, 'indent' | 'kind' | 'keyStart' | 'questionAt'>;

/** A block mapping or sequence the reader read before it declined: its node and its data so far. */
export type PrefixCollection =
  | { kind: 'map'; node: SourceNode & { kind: 'map' }; value: Record<string, unknown> }
  | { kind: 'seq'; node: SourceNode & { kind: 'seq' }; value: unknown[] };

/** What the fast reader made of a text: the data, or the lines it read before it declined, or the full path's result. */
export type SimpleOrPrefix =
  | { read: SimpleRead; prefix?: undefined; regions?: undefined; parsed?: undefined }
  /**
   * `collections`: the block collections among those lines, for a partial reparse to merge back.
   * `regions`: the parts it declined (the full parser reads those), when it read lines after them
   * too (fast-yaml-resume.ts), in document order; `prefix` then holds the lines before and after them.
   */
  | { read?: undefined; prefix: readonly PrefixLine[]; collections?: readonly PrefixCollection[]; regions?: readonly Region[]; stop?: Stop; parsed?: undefined }
  /** A document read whole that the full path fails on all the same (aliases past the limit): its result. */
  | { read?: undefined; prefix?: undefined; regions?: undefined; parsed: ParsedSource };

// Control characters, BOMs and Unicode line breaks: left to the full parser (CRLF line
// ends are read as LF, fast-yaml-blanks.ts). Unicode spaces too: trim() and \s treat them
// as blanks, YAML does not.
const NOT_READ = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** Duplicate keys go to `issues`, yaml's warnings (unresolved tags) to `warnings`. */
function readContext(issues: ParseIssue[], warnings: ParseIssue[] = []): ReadContext {
  return {
    onDuplicate: (start, end) => {
      if (issues.length < MAX_SYNTAX_ISSUES) issues.push(duplicateKeyIssue(start, end));
    },
    onTag: (start, end, message) => {
      if (warnings.length < MAX_SYNTAX_ISSUES) warnings.push(unknownTagIssue(start, end, message));
    },
    anchors: new Map(),
    maxAliasUses: MAX_ALIAS_COUNT,
    aliasUses: 0,
    aliasLimitExceeded: false,
  };
}

/** Where the reader stopped: the start of the first line it did not read whole, and the end of the line it failed on. */
export interface Stop {
  from: number;
  to: number;
}

type Prefix = { prefix: readonly PrefixLine[]; collections: readonly PrefixCollection[]; stop?: Stop };

/** Where a line read starts: an explicit key's line starts before its `?`, not before its key. */
export function lineStart(line: PrefixLine): number {
  return (line.questionAt ?? line.keyStart) - line.indent;
}

/** The stop of a reader that read `prefix` of `lines` whole and failed on the line at [failStart, failEnd). */
function stopAfter(lines: readonly Line[], prefix: readonly PrefixLine[], failStart: number, failEnd: number): Stop {
  const next = lines[prefix.length];
  return { from: next ? Math.min(lineStart(next), failStart) : failStart, to: failEnd };
}

/**
 * The root mapping of `lines`, with the reader that read them all; or, when it stops
 * before their end or declines, the lines it read whole, in order: up to the line it
 * declines (a line whose reading failed, and the line before it, which may have been
 * read only because of what follows, are not among them), and before any it warned about.
 */
function readRoot(lines: Line[], ctx: ReadContext, warnings: readonly ParseIssue[]): { reader: Reader; result: Read } | Prefix {
  const first = lines[0];
  if (!first || first.indent !== 0 || first.kind !== 'key') return { prefix: [], collections: [], ...(first ? { stop: { from: lineStart(first), to: first.end } } : {}) };
  const reader = new Reader(lines, ctx);
  try {
    const result = reader.mapping(0, 0, undefined);
    if (reader.index === lines.length) return { reader, result };
    const prefix = beforeWarning(lines.slice(0, reader.index), warnings);
    const failed = lines[reader.index] as Line;
    return { prefix, collections: reader.collections, stop: stopAfter(lines, prefix, lineStart(failed), failed.end) };
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    const prefix = beforeWarning(lines.slice(0, Math.max(0, reader.index - 1)), warnings);
    // It failed on the line it was reading, or on the one it looked at next.
    const failed = ((reader.declinedNext ? lines[reader.index] : undefined) ?? lines[reader.index - 1] ?? first) as Line;
    return { prefix, collections: reader.collections, stop: stopAfter(lines, prefix, lineStart(failed), failed.end) };
  }
}

/**
 * The lines of `lines` the reader reads whole (the lines before a line it could not split,
 * or one it leaves to the full parser, which starts at `failStart` in `text`).
 */
function readWhole(text: string, lines: Line[], ctx: ReadContext, warnings: readonly ParseIssue[], failStart: number): Prefix {
  const root = readRoot(lines, ctx, warnings);
  if (!('reader' in root) && root.stop) return root;
  const prefix = 'reader' in root ? beforeWarning(lines, warnings) : root.prefix;
  const collections = 'reader' in root ? root.reader.collections : root.collections;
  const failEnd = text.indexOf('\n', failStart);
  return { prefix, collections, stop: stopAfter(lines, prefix, failStart, failEnd === -1 ? text.length : failEnd + 1) };
}

/** The findings in the full parser's order: yaml's warnings (unresolved tags) first, then duplicate keys. */
function allIssues(duplicates: ParseIssue[], warnings: ParseIssue[]): ParseIssue[] {
  return warnings.length === 0 ? duplicates : [...warnings, ...duplicates].slice(0, MAX_SYNTAX_ISSUES);
}

/** A document read whole: what the full path would make of it. */
function completed(text: string, ctx: ReadContext, read: SimpleRead, deep: boolean): SimpleOrPrefix {
  // The full parser's path refuses what its depth scan calls too deep, and that scan
  // over-counts on purpose (brackets in plain text); ask it whenever it might.
  if ((deep || text.includes('[') || text.includes('{')) && tooDeepOffset(text) !== -1) return { prefix: [] };
  // The full parser reads it, lists the duplicate keys, then fails on an alias: the same findings.
  if (ctx.aliasLimitExceeded) return { parsed: { value: undefined, tree: undefined, issues: [...read.issues, aliasLimitIssue()], fatal: true } };
  return { read };
}

/** A document that is one flow mapping (fast-yaml-flow-document.ts). */
function flowDocument(text: string, at: number, ctx: ReadContext, duplicates: ParseIssue[], warnings: ParseIssue[]): SimpleOrPrefix {
  try {
    const doc = readFlowDocument(text, at, ctx);
    return completed(text, ctx, { value: doc.value, tree: doc.node, issues: allIssues(duplicates, warnings) }, false);
  } catch (error) {
    if (error instanceof Unsupported) return { prefix: [] };
    throw error;
  }
}

/**
 * The prefix up to the line before the first one yaml warns about (an unresolved tag): the
 * partial reparse leaves read lines out, and a warning there would be lost.
 */
function beforeWarning(prefix: readonly PrefixLine[], warnings: readonly ParseIssue[]): readonly PrefixLine[] {
  const first = warnings[0];
  if (!first) return prefix;
  let end = 0;
  while (end < prefix.length && (prefix[end]?.keyStart ?? 0) < first.start) end++;
  return prefix.slice(0, Math.max(0, end - 1));
}

/**
 * The data when the text is plain enough to read fast; otherwise the lines read before
 * the reader declined, so that the full parser need not read them again.
 */
export function readSimpleYamlOrPrefix(text: string): SimpleOrPrefix {
  if (!text.includes('\r')) {
    const first = readLf(text);
    // Declined part way: the lines after the part it declined are read too, when they can be.
    return first.out.prefix && first.out.stop ? readPastRegions(text, first.out, readLf) : first.out;
  }
  // CRLF line ends: read as LF, offsets moved back onto the text.
  let prefix: readonly PrefixLine[] = [];
  const read = readCrlf(text, (lf) => {
    const out = readLf(lf).out;
    prefix = out.prefix ?? [];
    return out.read;
  });
  if (read) return { read };
  // The lines read before it declined, moved onto the text too; not its mappings (their
  // trees are the LF text's), so a partial reparse uses only a parse that fails.
  if (prefix.length === 0) return { prefix: [] };
  const move = offsetMap(text);
  return { prefix: prefix.map((line) => ({ indent: line.indent, kind: line.kind, keyStart: move(line.keyStart), ...(line.questionAt === undefined ? {} : { questionAt: move(line.questionAt) }) })) };
}

/**
 * readSimpleYamlOrPrefix for a text with LF line ends only, without reading past a part
 * it declines; and for a text it reads whole, the lines and collections it read. One
 * pass of readPastRegions (exported for its tests, which count them).
 */
export function readLf(text: string): Pass {
  const whole: { lines?: Prefix } = {};
  const out = readLfInto(text, whole);
  return whole.lines && out.read ? { out, whole: whole.lines } : { out };
}

function readLfInto(text: string, whole: { lines?: Prefix }): SimpleOrPrefix {
  const bad = text.search(NOT_READ);
  const duplicates: ParseIssue[] = [];
  const warnings: ParseIssue[] = [];
  const ctx = readContext(duplicates, warnings);
  const flowAt = bad === -1 ? flowDocumentStart(text) : -1;
  if (flowAt !== -1) return flowDocument(text, flowAt, ctx, duplicates, warnings);
  // Where the first line with a character it leaves to the full parser starts.
  const badLine = bad === -1 ? -1 : text.lastIndexOf('\n', bad) + 1;
  const progress: SplitProgress = { lines: [], lineStart: 0 };
  let split: { lines: Line[]; indentedComment: boolean };
  try {
    // Up to the line with a character it leaves to the full parser: the lines before it still count.
    split = splitLines(bad === -1 ? text : text.slice(0, badLine), progress);
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    return readWhole(text, progress.lines.filter((line) => line.keyStart < progress.lineStart), ctx, warnings, progress.lineStart);
  }
  const lines = split.lines;
  if (bad !== -1) return readWhole(text, lines, ctx, warnings, badLine);
  const root = readRoot(lines, ctx, warnings);
  if (!('reader' in root)) return root;
  const { reader, result } = root;
  whole.lines = { prefix: beforeWarning(lines, warnings), collections: reader.collections };
  const tree = split.indentedComment || reader.commentAfterAbsent ? undefined : result.node;
  return completed(text, ctx, { value: result.value as Record<string, unknown>, tree, issues: allIssues(duplicates, warnings) }, reader.deepest > CHECKED_DEPTH);
}

/**
 * The data when the text is plain enough to read fast (otherwise undefined), and the
 * source tree with the ranges the full parser gives, so a large plain file with findings
 * is located without the full parser. No tree when an indented comment line is present:
 * yaml extends ranges around those, and this reader does not reproduce that.
 */
export function readSimpleYamlTree(text: string): SimpleRead | undefined {
  return readSimpleYamlOrPrefix(text).read;
}

/** The manifest's data when the text is plain enough to read fast; otherwise undefined. */
export function readSimpleYaml(text: string): Record<string, unknown> | undefined {
  return readSimpleYamlTree(text)?.value;
}

/** readSimpleYamlTree as a ParsedSource, when it has a tree. */
export function readSimpleYamlWithTree(text: string): ParsedSource | undefined {
  const read = readSimpleYamlTree(text);
  return read?.tree ? { value: read.value, tree: read.tree, issues: read.issues, fatal: false } : undefined;
}
