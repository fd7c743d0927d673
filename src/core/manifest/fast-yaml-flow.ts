/**
 * Flow collections (`{a: 1, b: [x, y]}`) for the fast YAML reader, when one opens and
 * closes on the same line. A megabyte of flow mapping took the full parser well over a
 * second; this reads it in one pass. Ranges are the ones yaml gives (a collection from
 * its bracket to just past the closing one, scalars without surrounding blanks, an empty
 * value at the next token), checked against yaml by the property tests. Duplicate keys
 * are reported through `onDuplicate`, in document order, as the full parser does.
 *
 * Anything less usual (a multi-line collection, a comment, `? `, a key that is not a
 * plain name or a quoted string, `a : b`, adjacent `"a":b`, an empty entry) throws
 * Unsupported, and the full parser reads the file.
 */
import { setOwn } from './parse-issue.js';
import type { SourceEntry, SourceNode } from './source-tree.js';
import { aliasValue, anchorName, checkKey, defineAnchor, KEY_NAME, MAX_KEY_LENGTH, plainScalar, plainText, quotedScalar, unsupported, type ReadContext } from './fast-yaml-scalar.js';
import { readTag, resolveTagged } from './fast-yaml-tag.js';

export interface FlowRead {
  value: unknown;
  node: SourceNode;
  /** Index in the line text just past the collection. */
  next: number;
}

/** Characters that end a plain scalar inside a flow collection. */
const FLOW_STOP = new Set([',', '[', ']', '{', '}']);

class FlowReader {
  /**
   * Children of the collections being read, innermost last, and how many are in use. A
   * collection takes its own off the top at their exact size (slice): an array grown by
   * push keeps room for 17 elements, and a megabyte of `[[[[1]]]]` kept 1.8 KiB per line
   * alive that way. The stacks only grow (shortening an array calls into V8's runtime).
   */
  private readonly values: unknown[] = [];
  private readonly items: SourceNode[] = [];
  private readonly entries: SourceEntry[] = [];
  private valueCount = 0;
  private entryCount = 0;

  constructor(
    /** The collection's text: the rest of one line, or of several when it spans lines. */
    private readonly text: string,
    /** Offset of text[0] in the file. */
    private readonly base: number,
    private readonly maxDepth: number,
    private readonly ctx: ReadContext,
  ) {}

  /** Blanks between tokens, line breaks included (a collection may span lines). */
  private skipSpaces(i: number): number {
    while (this.text[i] === ' ' || this.text[i] === '\n') i++;
    return i;
  }

  /** Index where a plain scalar starting at `from` ends (blanks before the stop excluded). */
  private plainEnd(from: number): number {
    const { text } = this;
    let j = from;
    for (; j < text.length; j++) {
      const ch = text[j] ?? '';
      // A line break ends it here; a plain scalar that goes on after one is left to the full parser.
      if (FLOW_STOP.has(ch) || ch === '\n') break;
      if (ch === '#') unsupported(); // a comment or C#: either way, the full parser decides
      if (ch === ':') {
        const after = text[j + 1];
        if (after === undefined || after === ' ' || FLOW_STOP.has(after)) break;
      }
    }
    while (j > from && text[j - 1] === ' ') j--;
    return j;
  }

  /** A scalar at text[from]; with `tag`, the tag written before it decides its value (fast-yaml-tag.ts). */
  private scalar(from: number, tag?: { name: string; start: number; end: number }): FlowRead {
    const { text, base } = this;
    const tagged = (source: string): unknown => resolveTagged(tag?.name ?? '', source, (message) => this.ctx.onTag(base + (tag?.start ?? 0), base + (tag?.end ?? 0), message));
    if (text[from] === '"' || text[from] === "'") {
      const quoted = quotedScalar(text, from);
      const after = text[quoted.next];
      if (after !== undefined && after !== ' ' && after !== '\n' && after !== ',' && after !== ']' && after !== '}' && after !== ':') unsupported();
      return { value: tag ? tagged(quoted.value) : quoted.value, node: { kind: 'scalar', start: base + from, end: base + quoted.next }, next: quoted.next };
    }
    const end = this.plainEnd(from);
    const source = text.slice(from, end);
    return { value: tag ? tagged(plainText(source)) : plainScalar(source), node: { kind: 'scalar', start: base + from, end: base + end }, next: end };
  }

  value(from: number, depth: number): FlowRead {
    const { text, base, ctx } = this;
    const ch = text[from];
    if (ch === '[' || ch === '{') return this.collection(from, depth);
    if (ch === '&') {
      // `&name scalar`: the node (and its range) is the scalar after the anchor.
      const anchor = anchorName(text, from, text.length);
      const read = this.scalar(this.skipSpaces(anchor.next));
      defineAnchor(ctx, anchor.name, read.value);
      return read;
    }
    if (ch === '!') {
      // `!tag scalar`: the node (and its range) is the scalar after the tag.
      const tag = readTag(text, from);
      if ('&*![{,]}#\n'.includes(text[tag.next] ?? '')) unsupported();
      return this.scalar(tag.next, { name: tag.name, start: from, end: tag.end });
    }
    if (ch === '*') {
      const alias = anchorName(text, from, text.length);
      const after = text[this.skipSpaces(alias.next)];
      if (after !== undefined && after !== ',' && after !== ']' && after !== '}') unsupported();
      return { value: aliasValue(ctx, alias.name, base + from, base + alias.next), node: { kind: 'scalar', start: base + from, end: base + alias.next }, next: alias.next };
    }
    return this.scalar(from);
  }

  private key(from: number): { key: string; start: number; end: number; next: number } {
    const { text, base } = this;
    if (text[from] === '"' || text[from] === "'") {
      const quoted = quotedScalar(text, from);
      if (quoted.value.length > MAX_KEY_LENGTH) unsupported();
      return { key: quoted.value, start: base + from, end: base + quoted.next, next: quoted.next };
    }
    const end = this.plainEnd(from);
    const key = text.slice(from, end);
    // `<<` is a plain key too: the full path's yaml 1.2 core schema merges nothing.
    if (!KEY_NAME.test(key) && key !== '<<') unsupported();
    checkKey(key);
    // `a : b` puts blanks between key and colon; rare enough to leave to the full parser.
    if (text[end] === ' ' && text[this.skipSpaces(end)] === ':') unsupported();
    return { key, start: base + from, end: base + end, next: end };
  }

  /** One `key: value`, `key:` or `key` entry of a flow mapping; returns the index after it. */
  private entry(from: number, depth: number, out: Record<string, unknown>, close: string): number {
    const { text, base } = this;
    const key = this.key(from);
    // Before the value: the full parser reports a key before anything inside its value.
    if (Object.prototype.hasOwnProperty.call(out, key.key)) this.ctx.onDuplicate(key.start, key.end);
    let i = this.skipSpaces(key.next);
    let value: unknown = null;
    let node: SourceNode | undefined;
    if (text[i] === ':') {
      if (text[i + 1] !== ' ') unsupported();
      const colon = i;
      i = this.skipSpaces(i + 1);
      if (text[i] === ',' || text[i] === close) {
        // Nothing but a line break and blanks before the next token: yaml's empty value sits elsewhere then.
        if (text.lastIndexOf('\n', i) > colon) unsupported();
        node = { kind: 'scalar', start: base + i, end: base + i };
      } else {
        const read = this.value(i, depth + 1);
        value = read.value;
        node = read.node;
        i = read.next;
      }
    } else if (text[i] !== ',' && text[i] !== close) {
      unsupported();
    }
    setOwn(out, key.key, value);
    this.entries[this.entryCount++] = { key: key.key, keyStart: key.start, keyEnd: key.end, value: node };
    return i;
  }

  collection(from: number, depth: number): FlowRead {
    if (depth > this.maxDepth) unsupported();
    const { text, base, values, items, entries } = this;
    const isMap = text[from] === '{';
    const close = isMap ? '}' : ']';
    const out: Record<string, unknown> | undefined = isMap ? {} : undefined;
    // Where this collection's children start on the stacks (nested ones push above them).
    const mark = isMap ? this.entryCount : this.valueCount;
    let i = from + 1;
    for (;;) {
      i = this.skipSpaces(i);
      if (i >= text.length) unsupported(); // continues on the next line
      if (text[i] === close) break;
      if (out) {
        i = this.entry(i, depth, out, close);
      } else {
        const read = this.value(i, depth + 1);
        values[this.valueCount] = read.value;
        items[this.valueCount++] = read.node;
        i = read.next;
      }
      i = this.skipSpaces(i);
      if (text[i] === ',') {
        i = this.skipSpaces(i + 1);
        if (text[i] === ',') unsupported(); // an empty entry is a syntax error
        continue;
      }
      if (text[i] !== close) unsupported();
      break;
    }
    const end = base + i + 1;
    if (out) {
      const own = entries.slice(mark, this.entryCount);
      this.entryCount = mark;
      return { value: out, node: { kind: 'map', start: base + from, end, entries: own }, next: i + 1 };
    }
    // One child (`[x]`, the common case) by a literal: cheaper than slice's builtin call.
    const single = this.valueCount - mark === 1;
    const value = single ? [values[mark]] : values.slice(mark, this.valueCount);
    const own = single ? [items[mark] as SourceNode] : items.slice(mark, this.valueCount);
    this.valueCount = mark;
    return { value, node: { kind: 'seq', start: base + from, end, items: own }, next: i + 1 };
  }
}

/** Characters after which a quote opens a quoted scalar (`it's` in plain text does not). */
const BEFORE_QUOTE = new Set([' ', '\n', '[', '{', ',', ':']);

/**
 * Index just past the bracket that closes the flow collection opening at text[at], or -1
 * when it cannot tell cheaply (a comment, a quoted scalar over a line break, no close).
 * Only to find which lines a collection spans; the reader then checks every token.
 */
export function flowCollectionEnd(text: string, at: number): number {
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const ch = text[i];
    if (ch === '[' || ch === '{') {
      depth++;
    } else if (ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return i + 1;
    } else if ((ch === '"' || ch === "'") && BEFORE_QUOTE.has(text[i - 1] ?? ' ')) {
      const close = text.indexOf(ch, i + 1);
      const lineBreak = text.indexOf('\n', i + 1);
      if (close === -1 || (lineBreak !== -1 && lineBreak < close)) return -1;
      i = close;
    } else if (ch === '#' && (text[i - 1] === ' ' || text[i - 1] === '\n')) {
      return -1;
    }
  }
  return -1;
}

/**
 * The flow collection opening at text[from] (`[` or `{`), which must close within `text`.
 * `base` is the file offset of text[0]; `depth` the nesting of the collection itself.
 */
export function readFlowCollection(text: string, from: number, base: number, depth: number, maxDepth: number, ctx: ReadContext): FlowRead {
  return new FlowReader(text, base, maxDepth, ctx).collection(from, depth);
}
