/**
 * A fast path for the plain YAML most manifests are written in: block mappings and
 * sequences, plain/quoted scalars without escapes, flat flow sequences, comments.
 *
 * Why: the full YAML parser costs about a millisecond per manifest, most of a
 * 1,000-file `validate` run. This reader is conservative: on anything it does not fully
 * understand (anchors, tags, block scalars, escapes, flow mappings, multi-line scalars,
 * duplicate keys, tabs, CR, odd numbers, odd indentation...) it returns `undefined` and
 * the caller uses the full parser. It never produces positions: when the fast value has
 * any finding, the caller re-reads the text with the full parser, so every diagnostic
 * comes from one place. A property test checks it agrees with `yaml` wherever it answers.
 */
import { setOwn } from './parse-issue.js';

interface Line {
  indent: number;
  /** 'key' (`key: rest`), 'item' (`- rest`) */
  kind: 'key' | 'item';
  key: string;
  /** Text after `key:` or `- `, comment stripped; '' when nothing follows. */
  rest: string;
}

const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_./-]*):(?:[ ]+(.*))?$/;
const RESERVED_KEY = /^(?:true|false|null|y|n|yes|no|on|off)$/i;
const NOT_PLAIN_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
// YAML 1.2 core schema forms the fast path does not resolve itself.
const CORE_NUMBERISH = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const MAX_DEPTH = 50;

class Unsupported extends Error {}
const unsupported = (): never => {
  throw new Unsupported();
};

/** Removes a trailing ` # comment` from a plain value and trims it. */
function stripComment(text: string): string {
  if (text.startsWith('#')) return '';
  const hash = text.search(/\s#/);
  return (hash === -1 ? text : text.slice(0, hash)).trim();
}

function plainScalar(text: string): unknown {
  // `-x` (e.g. --port) is a plain scalar; `-` alone or `- x` is not.
  const dashWord = text.length > 1 && text[0] === '-' && text[1] !== ' ';
  if (text === '' || (NOT_PLAIN_START.test(text) && !dashWord) || /:(?:\s|$)|\s#|\t/.test(text)) unsupported();
  if (text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  if (text === 'true' || text === 'True' || text === 'TRUE') return true;
  if (text === 'false' || text === 'False' || text === 'FALSE') return false;
  if (/^(?:0|-?[1-9][0-9]{0,14})$/.test(text)) return Number(text);
  if (/^-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}$/.test(text)) return Number(text);
  if (CORE_NUMBERISH.test(text)) unsupported();
  return text;
}

/** A scalar or flat flow sequence written after `key: ` or `- `. */
function inlineValue(raw: string): unknown {
  const text = raw.trim();
  const first = text[0];
  if (first === '"' || first === "'") {
    const close = text.indexOf(first, 1);
    if (close === -1) unsupported();
    const body = text.slice(1, close);
    const after = text.slice(close + 1);
    if (after !== '' && !/^\s+#/.test(after)) unsupported();
    if (first === '"' && body.includes('\\')) unsupported();
    // Quoted scalars may not carry control characters unescaped.
    if (/[\u0000-\u001f\u007f-\u009f]/.test(body)) unsupported();
    return body;
  }
  if (first === '[') {
    const close = text.indexOf(']');
    if (close === -1) unsupported();
    const after = text.slice(close + 1);
    if (after !== '' && !/^\s+#/.test(after)) unsupported();
    const inner = text.slice(1, close);
    if (/[[{}"'#]/.test(inner)) unsupported();
    if (inner.trim() === '') return [];
    return inner.split(',').map((item) => plainScalar(item.trim()));
  }
  return plainScalar(stripComment(text));
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  for (const source of text.split('\n')) {
    if (/^\s*(?:#.*)?$/.test(source)) {
      if (source.includes('\t')) unsupported();
      continue;
    }
    if (source.includes('\t') || source.startsWith('---') || source.startsWith('...') || source.startsWith('%')) unsupported();
    const indent = source.length - source.trimStart().length;
    const content = source.slice(indent);
    if (content.startsWith('- ') || content === '-') {
      lines.push({ indent, kind: 'item', key: '', rest: content === '-' ? '' : content.slice(2) });
      continue;
    }
    const match = KEY_LINE.exec(content);
    if (!match) unsupported();
    const key = match?.[1] ?? '';
    // YAML caps implicit keys at 1024 characters; leave long ones to the full parser.
    if (RESERVED_KEY.test(key) || key.length > 1000) unsupported();
    lines.push({ indent, kind: 'key', key, rest: match?.[2] ?? '' });
  }
  return lines;
}

class Reader {
  index = 0;
  constructor(private readonly lines: Line[]) {}

  peek(): Line | undefined {
    return this.lines[this.index];
  }

  /** The block value starting at the next line, if it belongs to a parent at `parentIndent`. */
  nested(parentIndent: number, depth: number, allowSameIndentSeq: boolean): unknown {
    const next = this.peek();
    if (!next) return null;
    if (next.indent > parentIndent) return this.block(next.indent, depth + 1);
    if (allowSameIndentSeq && next.indent === parentIndent && next.kind === 'item') return this.sequence(parentIndent, depth + 1);
    return null;
  }

  block(indent: number, depth: number): unknown {
    if (depth > MAX_DEPTH) unsupported();
    const first = this.peek();
    if (!first || first.indent !== indent) return unsupported();
    return first.kind === 'item' ? this.sequence(indent, depth) : this.mapping(indent, depth, undefined);
  }

  mapping(indent: number, depth: number, firstInline: Line | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const add = (line: Line): void => {
      if (Object.prototype.hasOwnProperty.call(out, line.key)) unsupported(); // duplicate: let the full parser report it
      const rest = stripComment(line.rest) === '' ? '' : line.rest;
      setOwn(out, line.key, rest === '' ? this.nested(indent, depth, true) : inlineValue(rest));
    };
    if (firstInline) add(firstInline);
    for (let line = this.peek(); line && line.indent === indent && line.kind === 'key'; line = this.peek()) {
      this.index++;
      add(line);
    }
    const after = this.peek();
    if (after && after.indent > indent) unsupported();
    return out;
  }

  sequence(indent: number, depth: number): unknown[] {
    const out: unknown[] = [];
    for (let line = this.peek(); line && line.indent === indent && line.kind === 'item'; line = this.peek()) {
      this.index++;
      const rest = line.rest;
      if (stripComment(rest) === '') {
        out.push(this.nested(indent, depth, false));
        continue;
      }
      const keyIndent = indent + 2 + (rest.length - rest.trimStart().length);
      const compact = KEY_LINE.exec(rest.trimStart());
      if (compact && !/^["'[]/.test(rest.trimStart())) {
        const key = compact[1] ?? '';
        if (RESERVED_KEY.test(key) || key.length > 1000) unsupported();
        out.push(this.mapping(keyIndent, depth + 1, { indent: keyIndent, kind: 'key', key, rest: compact[2] ?? '' }));
        continue;
      }
      if (rest.trimStart().startsWith('- ')) unsupported();
      out.push(inlineValue(rest));
      const after = this.peek();
      if (after && after.indent > indent) unsupported(); // a continued multi-line scalar
    }
    return out;
  }
}

/** The manifest's data when the text is plain enough to read fast; otherwise undefined. */
export function readSimpleYaml(text: string): Record<string, unknown> | undefined {
  // CR, control characters, BOMs and Unicode line breaks: leave them to the full parser.
  // Unicode spaces too: trim() and \s treat them as blanks, YAML does not.
  if (/[\r\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/.test(text)) return undefined;
  try {
    const lines = splitLines(text);
    if (lines.length === 0 || lines[0]?.indent !== 0 || lines[0]?.kind !== 'key') return undefined;
    const reader = new Reader(lines);
    const value = reader.mapping(0, 0, undefined);
    return reader.index === lines.length ? value : undefined;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}
