/**
 * Explicit keys (`? key` on one line, `: value` on the next) for the fast YAML reader,
 * when the key is a plain name and the value a scalar or a one-line flow collection
 * written after the colon. A megabyte of them took the full parser over two seconds.
 * The entry reads as `key: value` would, with yaml's ranges: the key and the value as
 * written, and a mapping that starts with one starts at its `?`. Anything else (a
 * comment on either line, a collection, block scalar, anchor, alias or tag as the key or
 * the value, an absent value, a `:` line at another indentation) is left to the full
 * parser.
 */
import { checkKey, KEY_NAME_SOURCE, unsupported } from './fast-yaml-scalar.js';

const QUESTION_LINE = new RegExp(`^\\?( +)(${KEY_NAME_SOURCE})$`);
/** The `:` line's value: no comment, and nothing a block or a property would start with. */
const COLON_LINE = /^:( +)([^\s|>&*!%@`#?][^#]*)$/;

export interface ExplicitEntry {
  key: string;
  keyStart: number;
  rest: string;
  restStart: number;
  /** Where the `?` is: yaml's start of a mapping whose first entry this is. */
  questionAt: number;
}

/**
 * `content` is the `?` line from its indentation on, at `lineStart + indent`; `next` the
 * whole line after it, starting at `nextStart`. Unsupported unless both are as above.
 */
export function explicitEntry(content: string, next: string, lineStart: number, indent: number, nextStart: number): ExplicitEntry {
  const question = QUESTION_LINE.exec(content);
  const colon = next.startsWith(' '.repeat(indent)) ? COLON_LINE.exec(next.slice(indent)) : null;
  if (!question || !colon || next.includes('\t')) return unsupported();
  const key = question[2] ?? '';
  checkKey(key);
  const rest = colon[2] ?? '';
  if (rest.trimEnd() !== rest) unsupported();
  const questionAt = lineStart + indent;
  return { key, keyStart: questionAt + 1 + (question[1] ?? '').length, rest, restStart: nextStart + indent + 1 + (colon[1] ?? '').length, questionAt };
}
