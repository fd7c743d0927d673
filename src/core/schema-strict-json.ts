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
import type { ErrorObject } from 'ajv';
import { getValidator, type SchemaCheck, type SchemaName } from './schema-registry.js';

export interface NonIntegerLiteral {
  /** JSON Pointer of the number, as ajv writes `instancePath` (e.g. `/choices/0/index`). */
  pointer: string;
  /** The number exactly as written, e.g. `1.7e9`. */
  text: string;
}

const JSON_WHITESPACE = new Set([' ', '\t', '\n', '\r']);

function escapePointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Every number in `text` written with `.`, `e` or `E`. `text` must be valid JSON (call
 * after JSON.parse succeeded). Iterative, so deep nesting cannot overflow the stack.
 */
export function nonIntegerSyntaxNumbers(text: string): NonIntegerLiteral[] {
  const found: NonIntegerLiteral[] = [];
  const segments: string[] = [];
  const containers: Array<'object' | 'array'> = [];
  let i = 0;
  const skipWhitespace = (): void => {
    while (i < text.length && JSON_WHITESPACE.has(text[i] as string)) i++;
  };
  const readString = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++; // closing quote
    return JSON.parse(text.slice(start, i)) as string;
  };
  const readKey = (): void => {
    skipWhitespace();
    segments[segments.length - 1] = escapePointerSegment(readString());
    skipWhitespace();
    i++; // ':'
  };
  const pointer = (): string => (segments.length === 0 ? '' : `/${segments.join('/')}`);

  while (i < text.length) {
    skipWhitespace();
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      skipWhitespace();
      if (text[i] === (c === '{' ? '}' : ']')) {
        i++; // empty container: a complete value, fall through to "after a value"
      } else {
        containers.push(c === '{' ? 'object' : 'array');
        segments.push('0');
        if (c === '{') readKey();
        continue;
      }
    } else if (c === '"') {
      readString();
    } else {
      const start = i;
      while (i < text.length && !JSON_WHITESPACE.has(text[i] as string) && !',]}'.includes(text[i] as string)) i++;
      const token = text.slice(start, i);
      if (/^-?[0-9]/.test(token) && /[.eE]/.test(token)) found.push({ pointer: pointer(), text: token });
    }
    // After a complete value: move to the next element or close finished containers.
    for (;;) {
      skipWhitespace();
      if (containers.length === 0) return found;
      const next = text[i++];
      if (next === ',') {
        if (containers[containers.length - 1] === 'array') {
          segments[segments.length - 1] = String(Number(segments[segments.length - 1]) + 1);
        } else {
          readKey();
        }
        break;
      }
      containers.pop();
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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { valid: false, errors: [], parseError: error instanceof Error ? error.message : String(error) };
  }
  const validate = await getValidator(name);
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
