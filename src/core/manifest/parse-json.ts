/**
 * A strict JSON (RFC 8259) reader that remembers where every value sits. JSON.parse is
 * not enough: its messages quote the input (which may hold a secret) and do not always
 * give a position, and it silently keeps the last of duplicate keys. The reader is
 * iterative (an explicit stack), so 100k nested brackets end as a finding, not a crash.
 */
import { MAX_NESTING, setOwn, type ParseIssue, type ParsedSource } from './parse-issue.js';
import type { SourceEntry, SourceNode } from './source-tree.js';

type Frame =
  | { kind: 'map'; node: SourceNode & { kind: 'map' }; value: Record<string, unknown>; seen: Set<string>; key: SourceEntry | undefined }
  | { kind: 'seq'; node: SourceNode & { kind: 'seq' }; value: unknown[] };

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** The digits of a number as RFC 8259 writes it, from `i` (a hand scan: a regex match allocated an array per number). Where one ends, or `i` for none. */
function numberEnd(text: string, i: number): number {
  let at = i;
  if (text.charCodeAt(at) === 0x2d) at++; // -
  if (text.charCodeAt(at) === 0x30) at++;
  else if (isDigit(text.charCodeAt(at))) while (isDigit(text.charCodeAt(at))) at++;
  else return i; // a bare "-", or no digit
  if (text.charCodeAt(at) === 0x2e && isDigit(text.charCodeAt(at + 1))) {
    at += 2;
    while (isDigit(text.charCodeAt(at))) at++;
  }
  const e = text.charCodeAt(at);
  if (e === 0x65 || e === 0x45) {
    let exp = at + 1;
    const sign = text.charCodeAt(exp);
    if (sign === 0x2b || sign === 0x2d) exp++;
    if (isDigit(text.charCodeAt(exp))) {
      while (isDigit(text.charCodeAt(exp))) exp++;
      at = exp;
    }
  }
  return at;
}
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
    readonly hint?: string,
    readonly rule = 'syntax/json',
  ) {
    super(message);
  }
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f ? `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `"${ch}"`;
}

function unexpected(text: string, offset: number, expected: string): JsonSyntaxError {
  if (offset >= text.length) return new JsonSyntaxError(offset, `Unexpected end of the file: expected ${expected}.`, 'The file looks cut off; close every { and [.');
  const ch = text[offset] ?? '';
  let hint: string | undefined;
  if (ch === "'") hint = 'JSON strings and keys use double quotes.';
  else if (ch === '/' || ch === '#') hint = 'JSON has no comments; remove them (or write the manifest as plugin.yaml).';
  else if (/[A-Za-z_]/.test(ch)) hint = 'Strings and keys must be in double quotes; literals are true, false and null.';
  return new JsonSyntaxError(offset, `Unexpected ${describeChar(ch)}: expected ${expected}.`, hint);
}

export function parseJsonWithPositions(text: string): ParsedSource {
  const issues: ParseIssue[] = [];
  const stack: Frame[] = [];
  const n = text.length;
  let i = 0;
  let rootValue: unknown;
  let rootNode: SourceNode | undefined;

  const skipWs = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };

  const attach = (value: unknown, node: SourceNode): void => {
    const top = stack[stack.length - 1];
    if (!top) {
      rootValue = value;
      rootNode = node;
    } else if (top.kind === 'seq') {
      top.value.push(value);
      top.node.items.push(node);
    } else if (top.key) {
      setOwn(top.value, top.key.key, value);
      top.key.value = node;
      top.node.entries.push(top.key);
      top.key = undefined;
    }
  };

  const readString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    let chunkStart = i;
    for (;;) {
      if (i >= n) throw new JsonSyntaxError(start, 'A string is not closed: the closing " is missing.');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(chunkStart, i);
        i++;
        return out;
      }
      if (c < 0x20) throw new JsonSyntaxError(i, `A string contains a raw ${describeChar(text[i] ?? '')}.`, 'Escape it (\\n, \\t) or remove it.');
      if (c === 0x5c) {
        out += text.slice(chunkStart, i);
        const e = text[i + 1] ?? '';
        if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntaxError(i, 'A \\u escape needs four hexadecimal digits.');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else if (e in ESCAPES) {
          out += ESCAPES[e];
          i += 2;
        } else {
          throw new JsonSyntaxError(i, `Unknown escape sequence in a string.`, 'Valid escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX.');
        }
        chunkStart = i;
        continue;
      }
      i++;
    }
  };

  const readKey = (frame: Frame & { kind: 'map' }): void => {
    skipWs();
    if (text[i] !== '"') {
      if (text[i] === '}') throw new JsonSyntaxError(i, 'Trailing comma before "}".', 'JSON does not allow a comma after the last member.');
      throw unexpected(text, i, 'a key in double quotes');
    }
    const keyStart = i;
    const key = readString();
    const keyEnd = i;
    if (frame.seen.has(key)) {
      issues.push({
        start: keyStart,
        end: keyEnd,
        severity: 'error',
        rule: 'syntax/duplicate-key',
        message: `Duplicate key "${key}".`,
        hint: 'Keep one of them: readers disagree on which one wins.',
      });
    }
    frame.seen.add(key);
    skipWs();
    if (text[i] !== ':') throw unexpected(text, i, '":" after the key');
    i++;
    frame.key = { key, keyStart, keyEnd, value: undefined };
  };

  const close = (): void => {
    const frame = stack.pop();
    if (!frame) return;
    frame.node.end = i;
    attach(frame.value, frame.node);
  };

  try {
    let expectValue = true;
    for (;;) {
      skipWs();
      if (expectValue) {
        if (i >= n) throw unexpected(text, i, 'a value');
        const ch = text[i];
        if (ch === '{' || ch === '[') {
          if (stack.length >= MAX_NESTING) {
            throw new JsonSyntaxError(i, `Nesting deeper than ${MAX_NESTING} levels.`, 'A manifest is a few levels deep; this file is not one.', 'syntax/too-deep');
          }
          const start = i;
          i++;
          if (ch === '{') {
            const frame: Frame = { kind: 'map', node: { kind: 'map', start, end: start, entries: [] }, value: {}, seen: new Set(), key: undefined };
            stack.push(frame);
            skipWs();
            if (text[i] === '}') {
              i++;
              close();
              expectValue = false;
            } else {
              readKey(frame);
            }
          } else {
            stack.push({ kind: 'seq', node: { kind: 'seq', start, end: start, items: [] }, value: [] });
            skipWs();
            if (text[i] === ']') {
              i++;
              close();
              expectValue = false;
            }
          }
          continue;
        }
        const start = i;
        let value: unknown;
        if (ch === '"') value = readString();
        else if (text.startsWith('true', i)) (value = true), (i += 4);
        else if (text.startsWith('false', i)) (value = false), (i += 5);
        else if (text.startsWith('null', i)) (value = null), (i += 4);
        else {
          const end = numberEnd(text, i);
          if (end === i) {
            if (ch === ']' && stack[stack.length - 1]?.kind === 'seq') {
              throw new JsonSyntaxError(i, 'Trailing comma before "]".', 'JSON does not allow a comma after the last item.');
            }
            throw unexpected(text, i, 'a value');
          }
          value = Number(text.slice(i, end));
          i = end;
        }
        attach(value, { kind: 'scalar', start, end: i });
        expectValue = false;
        continue;
      }
      const top = stack[stack.length - 1];
      if (!top) {
        if (i < n) throw unexpected(text, i, 'the end of the file after the JSON value');
        break;
      }
      const closer = top.kind === 'map' ? '}' : ']';
      const ch = text[i];
      if (ch === ',') {
        i++;
        if (top.kind === 'map') readKey(top);
        expectValue = true;
      } else if (ch === closer) {
        i++;
        close();
      } else {
        throw unexpected(text, i, `"," or "${closer}"`);
      }
    }
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    issues.push({
      start: error.offset,
      end: Math.min(error.offset + 1, n),
      severity: 'error',
      rule: error.rule,
      message: error.message,
      hint: error.hint ?? 'Check the JSON syntax at this position: a missing comma, quote or bracket?',
    });
    return { value: undefined, tree: undefined, issues, fatal: true };
  }
  return { value: rootValue, tree: rootNode, issues, fatal: false };
}
