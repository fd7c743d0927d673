/**
 * Finds number literals in raw JSON text together with their JSON Pointer. Needed because
 * JSON.parse turns `5.0` and `1.7e9` into integers, while the Go host's decoder rejects
 * them for integer fields (`created`, `latency_ms`, usage token counts).
 */

export interface RawJsonNumber {
  /** JSON Pointer of the value, e.g. `/usage/total_tokens`. */
  pointer: string;
  /** The property name holding it (or the array index as a string). */
  key: string;
  /** The literal as written, e.g. `5.0`. */
  raw: string;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Every number literal in `text`; [] when the text is not valid JSON. */
export function scanJsonNumbers(text: string): RawJsonNumber[] {
  const found: RawJsonNumber[] = [];
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i += 1;
  };
  const str = (): string => {
    const start = i;
    i += 1;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) throw new Error('unterminated string');
    i += 1;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string[]): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i += 1;
      ws();
      if (text[i] === '}') {
        i += 1;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Error('expected key');
        const key = str();
        ws();
        if (text[i] !== ':') throw new Error('expected colon');
        i += 1;
        value([...path, key]);
        ws();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === '}') {
          i += 1;
          return;
        }
        throw new Error('expected , or }');
      }
    }
    if (c === '[') {
      i += 1;
      ws();
      if (text[i] === ']') {
        i += 1;
        return;
      }
      for (let index = 0; ; index += 1) {
        value([...path, String(index)]);
        ws();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === ']') {
          i += 1;
          return;
        }
        throw new Error('expected , or ]');
      }
    }
    if (c === '"') {
      str();
      return;
    }
    const literal = /^(?:true|false|null)/.exec(text.slice(i, i + 5));
    if (literal) {
      i += literal[0].length;
      return;
    }
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!number) throw new Error('unexpected token');
    i += number[0].length;
    found.push({ pointer: path.map((p) => `/${escapePointer(p)}`).join(''), key: path[path.length - 1] ?? '', raw: number[0] });
  };
  try {
    value([]);
    ws();
    if (i !== text.length) return [];
  } catch {
    return [];
  }
  return found;
}

/** True when the literal is written as a plain integer (no fraction, no exponent). */
export function isIntegerLiteral(raw: string): boolean {
  return /^-?(?:0|[1-9]\d*)$/.test(raw);
}

/**
 * Number literals under any of `keys` (property names, at any depth) that are not written
 * as plain integers, e.g. `created: 1.7e9` or `total_tokens: 12.0`.
 */
export function findNonIntegerNumbers(text: string, keys: readonly string[]): RawJsonNumber[] {
  const wanted = new Set(keys);
  return scanJsonNumbers(text).filter((n) => wanted.has(n.key) && !isIntegerLiteral(n.raw));
}

/**
 * Whether the value at `pointer` is written as a plain integer literal. Undefined when
 * there is no number at that pointer (absent, or not a number).
 */
export function rawNumberIsInteger(text: string, pointer: string): boolean | undefined {
  const hit = scanJsonNumbers(text).find((n) => n.pointer === pointer);
  return hit ? isIntegerLiteral(hit.raw) : undefined;
}
