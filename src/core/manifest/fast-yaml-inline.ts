/**
 * The values the fast YAML reader (fast-yaml.ts) finds written on a line, after `key: ` or
 * `- `: scalars (plain, quoted, tagged, anchored, aliases) and one-line flow collections;
 * and the block and multi-line scalars splitting already read (fast-yaml-split.ts), as the
 * same kind of result. Apart from the block collections (fast-yaml-reader.ts): a value
 * here never spans the lines the reader walks.
 */
import { MAX_NESTING } from './parse-issue.js';
import type { SourceNode } from './source-tree.js';
import { aliasValue, anchorMark, anchorName, defineAnchor, plainScalar, plainText, quotedScalar, unsupported, type ReadContext } from './fast-yaml-scalar.js';
import { readTag, resolveTagged } from './fast-yaml-tag.js';
import { readFlowCollection } from './fast-yaml-flow.js';
import type { BlockScalar } from './fast-yaml-block-scalar.js';
import type { SpannedScalar } from './fast-yaml-multiline.js';
import { stripComment } from './fast-yaml-line.js';

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
export function inlineRead(raw: string, at: number, lineEnd: number, depth: number, ctx: ReadContext): Read {
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

export function blockRead(block: BlockScalar): Read {
  return { value: block.value, node: { kind: 'scalar', start: block.start, end: block.end }, end: block.end };
}

export function spannedRead(scalar: SpannedScalar): Read {
  return { value: scalar.value, node: { kind: 'scalar', start: scalar.start, end: scalar.end }, end: scalar.lineEnd };
}
