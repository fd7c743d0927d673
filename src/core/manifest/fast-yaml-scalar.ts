/**
 * Scalars for the fast YAML reader (fast-yaml.ts, fast-yaml-flow.ts): the plain and
 * quoted forms it resolves exactly as the YAML 1.2 core schema does, and the signal it
 * throws on anything else so the caller falls back to the full parser.
 */
import type { OnDuplicate } from './parse-issue.js';

export class Unsupported extends Error {}
export const unsupported = (): never => {
  throw new Unsupported();
};

/**
 * Letters of other scripts in a plain key (`ключ`, `名前`, `clé`): yaml reads them as any
 * other character of a plain scalar, at the same offsets (both count UTF-16 code units).
 * Left out: C1 controls, Unicode spaces and line breaks, and the BOM, which yaml or
 * JavaScript's trim() treat otherwise (the reader declines a text holding them anyway).
 */
const WIDE = '\\u00a1-\\u167f\\u1681-\\u1fff\\u200b-\\u2027\\u202a-\\u202e\\u2030-\\u205e\\u2060-\\u2fff\\u3001-\\ufefe\\uff00-\\uffff';
/** A plain key as a regular expression source: a letter or `_`, then letters, digits and `_./-`. */
export const KEY_NAME_SOURCE = `[A-Za-z_${WIDE}][A-Za-z0-9_./${WIDE}-]*`;
/** A plain key the reader accepts (always a string, never a YAML word such as `on`). */
export const KEY_NAME = new RegExp(`^${KEY_NAME_SOURCE}$`);

/** A character of WIDE (code: a UTF-16 code unit). */
export function isWideChar(code: number): boolean {
  if (code < 0xa1) return false;
  if (code < 0x2000) return code !== 0x1680;
  if (code <= 0x200a || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff) return false;
  return true;
}
const RESERVED_KEY = /^(?:true|false|null|y|n|yes|no|on|off)$/i;
/** YAML caps implicit keys at 1024 characters; longer ones go to the full parser. */
export const MAX_KEY_LENGTH = 1000;
const NOT_PLAIN_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
// YAML 1.2 core schema forms the fast path does not resolve itself.
const CORE_NUMBERISH = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
/** Control characters but the tab, which a quoted scalar holds as it is. */
const QUOTED_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

export function checkKey(key: string): void {
  // Every reserved word is at most five letters long.
  if ((key.length <= 5 && RESERVED_KEY.test(key)) || key.length > MAX_KEY_LENGTH) unsupported();
}

/** A-Z or a-z: no core-schema number, and no indicator, starts with one. */
function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** A plain scalar's text, when yaml reads all of it as one plain scalar (indicators, `: `, ` #` and tabs are declined). */
export function plainText(text: string): string {
  if (text === '') unsupported();
  // Most values start with a letter: then the indicator test cannot match (this runs for
  // every value of every manifest, so it skips it).
  const letter = isLetter(text.charCodeAt(0));
  // `-x` (e.g. --port) is a plain scalar; `-` alone or `- x` is not.
  const dashWord = text.length > 1 && text[0] === '-' && text[1] !== ' ';
  if ((!letter && NOT_PLAIN_START.test(text) && !dashWord) || /:(?:\s|$)|\s#|\t/.test(text)) unsupported();
  return text;
}

export function plainScalar(text: string): unknown {
  plainText(text);
  const letter = isLetter(text.charCodeAt(0));
  if (text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  if (text === 'true' || text === 'True' || text === 'TRUE') return true;
  if (text === 'false' || text === 'False' || text === 'FALSE') return false;
  if (letter) return text;
  if (/^(?:0|-?[1-9][0-9]{0,14})$/.test(text)) return Number(text);
  if (/^-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}$/.test(text)) return Number(text);
  if (CORE_NUMBERISH.test(text)) unsupported();
  return text;
}

/** YAML's one-character escapes in double quotes (`\x`, `\u` and `\U` take hex digits; a line break is folding). */
const ESCAPES: Record<string, string> = {
  '0': '\u0000', a: '\u0007', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\u001b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};
const HEX = /^[0-9a-fA-F]+$/;

/**
 * The escape at body[i] (a backslash) other than an escaped line break: its text and the
 * index after it. yaml reads `\x`, `\u`, `\U` as a code point (String.fromCodePoint);
 * too few hex digits, a code point past U+10FFFF or an unknown escape are errors there,
 * left to the full parser, which reports them.
 */
export function escapeAt(body: string, i: number): { text: string; next: number } {
  const ch = body[i + 1] ?? '';
  if (ch === 'x' || ch === 'u' || ch === 'U') {
    const length = ch === 'x' ? 2 : ch === 'u' ? 4 : 8;
    const hex = body.slice(i + 2, i + 2 + length);
    if (hex.length !== length || !HEX.test(hex)) unsupported();
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) unsupported();
    return { text: String.fromCodePoint(code), next: i + 2 + length };
  }
  const escaped = ESCAPES[ch];
  if (escaped === undefined) unsupported();
  return { text: escaped as string, next: i + 2 };
}

/** The value of a one-line double-quoted body with escapes (`\"`, `\n`, `\u00e9`, `\U0001F600`...). */
function unescape(body: string): string {
  let out = '';
  let from = 0;
  for (let i = body.indexOf('\\'); i !== -1; i = body.indexOf('\\', from)) {
    out += body.slice(from, i);
    const escape = escapeAt(body, i);
    out += escape.text;
    from = escape.next;
  }
  return out + body.slice(from);
}

/**
 * Index of the quote closing the quoted scalar that opens at text[from], or -1: `\"`
 * does not close a double-quoted one, `''` does not close a single-quoted one. It may lie
 * on a later line (the caller decides whether it reads a scalar over several lines).
 */
export function quoteEnd(text: string, from: number): number {
  const quote = text[from];
  if (quote === '"') {
    let close = from + 1;
    while (close < text.length && text[close] !== '"') close += text[close] === '\\' ? 2 : 1;
    return close < text.length ? close : -1;
  }
  for (let close = text.indexOf("'", from + 1); close !== -1; close = text.indexOf("'", close + 2)) {
    if (text[close + 1] !== "'") return close;
  }
  return -1;
}

/**
 * The text of a quoted scalar opening at `from` (a quote character) and closing on the
 * same line, and the offset just past its closing quote. A line break or a control
 * character in it, or an escape yaml refuses, are left to the full parser.
 */
export function quotedScalar(text: string, from: number): { value: string; next: number } {
  const quote = text[from] ?? '';
  const close = quoteEnd(text, from);
  if (close === -1) unsupported();
  const body = text.slice(from + 1, close);
  if (QUOTED_CONTROL.test(body)) unsupported(); // a line break, ... (a tab is text here)
  if (quote === "'") return { value: body.includes("'") ? body.replace(/''/g, "'") : body, next: close + 1 };
  return { value: body.includes('\\') ? unescape(body) : body, next: close + 1 };
}

/** An anchored node (`&name value`), how often an alias has used it, and what each use counts. */
interface Anchored {
  value: unknown;
  uses: number;
  /** yaml's alias count of the node: 0 for a collection with no scalar inside, else 1. */
  weight: number;
}

/** What one read of a document shares across block and flow parts. */
export interface ReadContext {
  onDuplicate: OnDuplicate;
  /** A tag yaml could not resolve the value by: its warning, at the tag (fast-yaml-tag.ts). */
  onTag: (start: number, end: number, message: string) => void;
  /** The last node anchored under each name, in document order (what an alias means). */
  anchors: Map<string, Anchored>;
  maxAliasUses: number;
  /** Aliases read so far (an anchored collection with one inside is left to the full parser). */
  aliasUses: number;
  /** The first alias used past yaml's limit (where the finding points): the full parser reads the document, then fails on it. */
  aliasLimitAt: { start: number; end: number } | undefined;
}

// An anchor is followed by a blank; an alias may also end at a flow indicator.
const ANCHOR = /^&([A-Za-z0-9_-]+)(?= |$)|^\*([A-Za-z0-9_-]+)(?=[ ,\]}]|$)/;

/** `&name ` or `*name` at text[from]: the name and the index just past it; declines other names. */
export function anchorName(text: string, from: number, end: number): { name: string; next: number } {
  const match = ANCHOR.exec(text.slice(from, end));
  if (!match) return unsupported();
  const name = match[1] ?? match[2] ?? '';
  return { name, next: from + name.length + 1 };
}

/**
 * yaml's getAliasCount for a node with no alias inside: 1 for a scalar, the largest of
 * the items' for a sequence, 1 for a mapping with a pair (its key is a scalar), else 0.
 */
function aliasWeight(value: unknown): number {
  if (Array.isArray(value)) return value.some((item) => aliasWeight(item) === 1) ? 1 : 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0 ? 1 : 0;
  return 1;
}

/**
 * Records `&name` on a value read with `aliasUsesBefore` aliases read before it. A
 * collection with an alias inside is left to the full parser (yaml's limit arithmetic
 * for it differs).
 */
/** What `name` means before a collection is read (null: nothing), for defineAnchor's `before`. */
export function anchorMark(ctx: ReadContext, name: string): Anchored | null {
  return ctx.anchors.get(name) ?? null;
}

export function defineAnchor(ctx: ReadContext, name: string, value: unknown, aliasUsesBefore = ctx.aliasUses, before?: Anchored | null): void {
  const collection = typeof value === 'object' && value !== null;
  // The same name anchored again inside the collection: an alias after it means the inner
  // node (yaml takes the last anchor before the alias, a collection before its children).
  if (collection && (ctx.aliasUses !== aliasUsesBefore || (before !== undefined && anchorMark(ctx, name) !== before))) unsupported();
  ctx.anchors.set(name, { value, uses: 0, weight: collection ? aliasWeight(value) : 1 });
}

/**
 * The value an alias stands for (shared, as yaml shares it). An unknown anchor is left
 * to the full parser, which reports it. A use past yaml's limit (it counts the anchored
 * node once and each use again, times the node's weight, and fails above maxAliasUses)
 * is recorded: the document is read on, for the findings the full parser lists first.
 */
export function aliasValue(ctx: ReadContext, name: string, start: number, end: number): unknown {
  const anchored = ctx.anchors.get(name);
  if (!anchored) return unsupported();
  ctx.aliasUses += 1;
  anchored.uses += 1;
  if ((anchored.uses + 1) * anchored.weight > ctx.maxAliasUses) ctx.aliasLimitAt ??= { start, end };
  return anchored.value;
}
