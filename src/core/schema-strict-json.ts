/**
 * Schema checks on the raw JSON text, with Go's number strictness.
 *
 * JSON.parse turns `5.0` and `1.7e9` into the integers 5 and 1700000000, so a schema
 * `"type": "integer"` cannot see them; the reference host decodes with Go's
 * encoding/json, which rejects both for its int fields (`created`, `latency_ms`, token
 * counts). This module finds numbers written with a fraction or an exponent and reports
 * those that sit where the schema wants an integer. Which places want an integer is asked
 * of the schema itself (no hand-kept list of keys), so every integer field of every wire
 * schema is covered.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { getValidator, type SchemaCheck, type SchemaName } from './schema-registry.js';

export interface NonIntegerLiteral {
  /** JSON Pointer of the number, as ajv writes `instancePath` (e.g. `/choices/0/index`). */
  pointer: string;
  /** The number exactly as written, e.g. `1.7e9`. */
  text: string;
}

function escapePointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

// Character codes, compared with charCodeAt: this scan runs on every plugin answer.
const SPACE = 0x20, TAB = 0x09, LF = 0x0a, CR = 0x0d, QUOTE = 0x22, BACKSLASH = 0x5c;
const COMMA = 0x2c, OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;
const DOT = 0x2e, LOWER_E = 0x65, UPPER_E = 0x45, MINUS = 0x2d, DIGIT_0 = 0x30, DIGIT_9 = 0x39;

/**
 * Every number in `text` written with `.`, `e` or `E`. `text` must be valid JSON (call
 * after JSON.parse succeeded). Iterative, so deep nesting cannot overflow the stack.
 */
export function nonIntegerSyntaxNumbers(text: string): NonIntegerLiteral[] {
  const found: NonIntegerLiteral[] = [];
  const segments: string[] = [];
  const inArray: boolean[] = [];
  const length = text.length;
  let i = 0;
  const skipWhitespace = (): void => {
    for (let c = text.charCodeAt(i); c === SPACE || c === LF || c === CR || c === TAB; c = text.charCodeAt(++i));
  };
  /** Moves past a string; decodes it only when asked (keys), and only if it has escapes. */
  const skipString = (decode: boolean): string => {
    const start = i;
    let escaped = false;
    for (i++; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        i++;
      }
    }
    i++; // closing quote
    if (!decode) return '';
    return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
  };
  const readKey = (): void => {
    skipWhitespace();
    segments[segments.length - 1] = escapePointerSegment(skipString(true));
    skipWhitespace();
    i++; // ':'
  };

  while (i < length) {
    skipWhitespace();
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      i++;
      skipWhitespace();
      if (text.charCodeAt(i) === (c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET)) {
        i++; // empty container: a complete value, fall through to "after a value"
      } else {
        inArray.push(c === OPEN_BRACKET);
        segments.push('0');
        if (c === OPEN_BRACE) readKey();
        continue;
      }
    } else if (c === QUOTE) {
      skipString(false);
    } else {
      const start = i;
      let fractional = false;
      for (let d = c; i < length; d = text.charCodeAt(++i)) {
        if (d === DOT || d === LOWER_E || d === UPPER_E) fractional = true;
        else if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || d === SPACE || d === LF || d === CR || d === TAB) break;
      }
      // true/false/null contain an "e" but do not start like a number.
      if (fractional && (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9))) {
        found.push({ pointer: segments.length === 0 ? '' : `/${segments.join('/')}`, text: text.slice(start, i) });
      }
    }
    // After a complete value: move to the next element or close finished containers.
    for (;;) {
      skipWhitespace();
      if (inArray.length === 0) return found;
      const next = text.charCodeAt(i++);
      if (next === COMMA) {
        if (inArray[inArray.length - 1]) {
          segments[segments.length - 1] = String(Number(segments[segments.length - 1]) + 1);
        } else {
          readKey();
        }
        break;
      }
      inArray.pop();
      segments.pop();
    }
  }
  return found;
}

function setAtPointer(root: unknown, pointer: string, value: unknown): unknown {
  if (pointer === '') return value;
  const parts = pointer.slice(1).split('/').map(unescapePointerSegment);
  let node = root as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts[parts.length - 1] as string] = value;
  return root;
}

export interface JsonTextCheck extends SchemaCheck {
  /** The parsed body, when it is JSON. */
  json?: unknown;
  /** Why the text is not JSON (then `valid` is false and `errors` is empty). */
  parseError?: string;
}

/**
 * Parses `text` and validates it against a wire schema, also failing integer fields
 * written as `5.0` or `1.7e9` (error keyword `type`, params `{ type: 'integer', raw }`).
 */
export async function checkJsonTextAgainstSchema(name: SchemaName, text: string): Promise<JsonTextCheck> {
  return checkJsonTextWith(await getValidator(name), text);
}

/** checkJsonTextAgainstSchema with the validator at hand: synchronous, for the dev host's hot path. */
export function checkJsonTextWith(validate: ValidateFunction, text: string): JsonTextCheck {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { valid: false, errors: [], parseError: error instanceof Error ? error.message : String(error) };
  }
  const valid = validate(json) as boolean;
  const errors: ErrorObject[] = valid ? [] : [...(validate.errors ?? [])];

  const raw = nonIntegerSyntaxNumbers(text);
  if (raw.length > 0) {
    // Put a real fraction where each such number was: ajv then says which of them the
    // schema wants as an integer. Only `type` errors at those places are kept.
    let probe: unknown = structuredClone(json);
    for (const number of raw) probe = setAtPointer(probe, number.pointer, 0.5);
    validate(probe);
    const byPointer = new Map(raw.map((number) => [number.pointer, number.text]));
    const seen = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
    for (const error of validate.errors ?? []) {
      const written = byPointer.get(error.instancePath);
      const wanted = String((error.params as { type?: unknown }).type ?? '');
      if (error.keyword !== 'type' || written === undefined || !wanted.split(',').includes('integer')) continue;
      if (seen.has(error.instancePath)) continue;
      seen.add(error.instancePath);
      errors.push({
        instancePath: error.instancePath,
        schemaPath: error.schemaPath,
        keyword: 'type',
        params: { type: 'integer', raw: written },
        message: `must be a JSON integer, not ${written} (Go's decoder rejects fractions and exponents)`,
      });
    }
  }
  return { valid: errors.length === 0, errors, json };
}

/**
 * The errors of a check in the two kinds reports tell apart: the shape is wrong, or an
 * integer is written as `5.0` / `1.7e9` (right for JSON, refused by Go's decoder).
 */
export function splitNonIntegers(errors: readonly ErrorObject[]): { shape: ErrorObject[]; nonIntegers: ErrorObject[] } {
  const isRaw = (error: ErrorObject): boolean => typeof (error.params as { raw?: unknown }).raw === 'string';
  return { shape: errors.filter((error) => !isRaw(error)), nonIntegers: errors.filter(isRaw) };
}
