/**
 * One line of a block document as the fast YAML reader (fast-yaml.ts) sees it: a `key:`
 * (plain or quoted) or a `- ` item, its value's text and offsets; and where that value
 * starts when it goes on over the next lines (a flow collection, a block scalar, a plain or
 * quoted scalar). Apart from the splitting (fast-yaml-split.ts) and the reading of the
 * lines into collections (fast-yaml-reader.ts), both of which use it; a line read whole is
 * also what a partial reparse (partial-reparse.ts) leaves out (PrefixLine).
 */
import { checkKey, isWideChar, KEY_NAME_SOURCE, MAX_KEY_LENGTH, quotedScalar, unsupported } from './fast-yaml-scalar.js';
import { blockHeader, type BlockScalar } from './fast-yaml-block-scalar.js';
import type { SpannedScalar } from './fast-yaml-multiline.js';

export interface Line {
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

/**
 * `key: rest` or `key:` with a plain key. The rest may span lines: an item's compact
 * mapping whose value is a flow collection over several lines (a rest like that is no
 * block scalar header and no scalar, so the callers looking for those find none in it).
 */
export const KEY_LINE = new RegExp(`^(<<|${KEY_NAME_SOURCE}):(?:[ ]+([\\s\\S]*))?$`);

/** Removes a trailing ` # comment` from a plain value and trims it. */
export function stripComment(text: string): string {
  if (text.startsWith('#')) return '';
  if (!text.includes('#')) return text.trim();
  const hash = text.search(/\s#/);
  return (hash === -1 ? text : text.slice(0, hash)).trim();
}

/** A-Z a-z 0-9 _ . / - and letters of other scripts (the characters KEY_LINE allows after a key's first). */
function isNameChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 45 && code <= 57) || code === 95 || (code > 127 && isWideChar(code));
}

/** Index of the `:` ending a plain key at the start of `content` (KEY_LINE's key), or unsupported. */
export function keyNameEnd(content: string): number {
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
export function quotedKeyLine(content: string, indent: number, keyStart: number, end: number): Line {
  const quoted = quotedScalar(content, 0);
  const colon = quoted.next;
  if (content.charCodeAt(colon) !== 58 || quoted.value === '' || colon > MAX_KEY_LENGTH) unsupported();
  return keyLine(content, colon, quoted.value, indent, keyStart, end);
}

/**
 * The line `key: rest` whose key, as written, ends at content[colon] (a `:`): after it a
 * blank or the line's end, and the value after the blanks. Plain and quoted keys alike.
 */
export function keyLine(content: string, colon: number, key: string, indent: number, keyStart: number, end: number): Line {
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
export function flowOpening(line: Line): { at: number; parentIndent: number } | undefined {
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
export function blockScalarHeader(line: Line): { folded: boolean; chomp: string; start: number; parentIndent: number } | undefined {
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
export function scalarStart(line: Line): { start: number; parentIndent: number; compact: boolean } | undefined {
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

/**
 * A line the fast reader read whole before it declined the text (partial-reparse.ts).
 * `rest` (the reader's lines have it) tells an empty `-` item, which ends a run of
 * siblings differently there.
 */
export type PrefixLine = Pick<Line, 'indent' | 'kind' | 'keyStart' | 'questionAt'> & Partial<Pick<Line, 'rest'>>;

/** Where a line read starts: an explicit key's line starts before its `?`, not before its key. */
export function lineStart(line: PrefixLine): number {
  return (line.questionAt ?? line.keyStart) - line.indent;
}
