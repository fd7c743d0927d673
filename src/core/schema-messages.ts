/**
 * Schema violations as sentences a person can act on: what the value is, what it must be,
 * and the fix ("add a zone such as Z"), instead of the regular expression or keyword the
 * schema uses. The keyword stays available as data (`rawSchemaErrors`) for JSON output.
 * One row per kind of violation; the first that applies speaks.
 */
import type { ErrorObject } from 'ajv';

/** The raw form, kept in machine output: where, which keyword, ajv's own words. */
export interface RawSchemaError {
  path: string;
  keyword: string;
  message: string;
}

function valueAt(data: unknown, pointer: string): unknown {
  let node = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number with a fraction';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

const TYPE_WORDS: Record<string, string> = { integer: 'an integer (a whole number)', number: 'a number', string: 'a string', boolean: 'true or false', object: 'an object', array: 'a list', null: 'null' };

/** True for the date-time checks of a timestamp (the format, or the RFC 3339 pattern with a zone). */
function isTimestampError(error: ErrorObject): boolean {
  const params = error.params as { format?: string; pattern?: string };
  return (error.keyword === 'format' && params.format === 'date-time') || (error.keyword === 'pattern' && /T\(.*\(Z\|/.test(params.pattern ?? ''));
}

function timestampSentence(where: string, value: unknown): string {
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(value)) {
    const fixed = `${value.replace(' ', 'T')}Z`;
    return `${where} is ${shown(value)}, a time without a zone; add one, e.g. ${shown(fixed)} (Z for UTC) or an offset such as +02:00. In Python: datetime.now(timezone.utc).isoformat().`;
  }
  return `${where} is ${shown(value)}, not an RFC 3339 time; write it like "2026-01-21T10:00:00Z" (date, T, time, and a zone).`;
}

function sentence(error: ErrorObject, data: unknown): string {
  const where = error.instancePath === '' ? 'The body' : error.instancePath;
  const value = valueAt(data, error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (isTimestampError(error)) return timestampSentence(where, value);
  switch (error.keyword) {
    case 'type': {
      const wanted = String(params.type).split(',');
      if (typeof params.raw === 'string') {
        return `${where} is written ${params.raw}; write a plain integer such as ${Math.round(Number(params.raw))} (Go's decoder rejects fractions and exponents).`;
      }
      if (wanted.includes('integer') && typeof value === 'number' && !Number.isInteger(value)) {
        return `${where} is ${shown(value)}, a number with a fraction; it must be an integer (a whole number), e.g. ${Math.round(value)}.`;
      }
      if ((wanted.includes('integer') || wanted.includes('number')) && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
        return `${where} is the string ${shown(value)}; write the number without quotes: ${value.trim()}.`;
      }
      return `${where} is ${kindOf(value)}; it must be ${wanted.map((type) => TYPE_WORDS[type] ?? type).join(' or ')}.`;
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[] | undefined) ?? [];
      return `${where} is ${shown(value)}; it must be one of ${allowed.map(shown).join(', ')}.`;
    }
    case 'const':
      return `${where} is ${shown(value)}; it must be ${shown(params.allowedValue)}.`;
    case 'required':
      return `${where === 'The body' ? 'The body' : where} has no ${shown(params.missingProperty)}, which is required; add it.`;
    case 'additionalProperties':
      return `${where} has a field ${shown(params.additionalProperty)} that is not allowed here; remove it.`;
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const words: Record<string, string> = { minimum: 'at least', exclusiveMinimum: 'greater than', maximum: 'at most', exclusiveMaximum: 'less than' };
      return `${where} is ${shown(value)}; it must be ${words[error.keyword]} ${String(params.limit)}.`;
    }
    case 'minLength':
      return `${where} is ${value === '' ? 'empty' : shown(value)}; it must have at least ${String(params.limit)} character${params.limit === 1 ? '' : 's'}.`;
    case 'minItems':
      return `${where} has ${Array.isArray(value) ? value.length : 0} item(s); it needs at least ${String(params.limit)}.`;
    case 'format':
      return `${where} is ${shown(value)}, which is not a valid ${String(params.format)}.`;
    case 'pattern':
      return `${where} is ${shown(value)}, which does not have the required form (${String(params.pattern)}).`;
    default:
      return `${where} ${error.message ?? 'is invalid'}.`;
  }
}

/** Sentences for the errors, one per place and kind (a timestamp's pattern and format are one). */
export function schemaSentences(errors: readonly ErrorObject[], data: unknown, limit = 5): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const error of errors) {
    const key = `${error.instancePath}|${isTimestampError(error) ? 'timestamp' : `${error.keyword}|${JSON.stringify(error.params)}`}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(sentence(error, data));
  }
  return lines.length > limit ? [...lines.slice(0, limit), `... and ${lines.length - limit} more`] : lines;
}

export function rawSchemaErrors(errors: readonly ErrorObject[]): RawSchemaError[] {
  return errors.map((error) => ({ path: error.instancePath, keyword: error.keyword, message: error.message ?? '' }));
}
