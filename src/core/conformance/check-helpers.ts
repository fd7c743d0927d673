/**
 * Assertions the checks share. A check passes by returning; it fails or skips by throwing
 * `CheckFailure` / `CheckSkip`, which the runner turns into a CheckResult. Messages are one
 * sentence saying what the plugin did; `expected` says what the contract wants.
 */
import { ERROR_TABLE, type PluginErrorCode } from '../protocol.js';
import { checkAgainstSchema, type SchemaName } from '../schema-registry.js';
import { rawSchemaErrors, schemaSentences, type RawSchemaError } from '../schema-messages.js';
import type { Exchange } from '../runtime/http-client.js';
import { checkJsonTextAgainstSchema, splitNonIntegers } from '../schema-strict-json.js';

export interface FailureExtra {
  expected?: string;
  details?: string[];
  exchange?: Exchange;
  /** Schema violations as data (keyword, path): `details` has them as sentences. */
  schemaErrors?: RawSchemaError[];
}

export class CheckFailure extends Error {
  readonly expected: string | undefined;
  readonly details: string[] | undefined;
  readonly exchange: Exchange | undefined;
  readonly schemaErrors: RawSchemaError[] | undefined;
  constructor(message: string, extra: FailureExtra = {}) {
    super(message);
    this.name = 'CheckFailure';
    this.expected = extra.expected;
    this.details = extra.details;
    this.exchange = extra.exchange;
    this.schemaErrors = extra.schemaErrors;
  }
}

export class CheckSkip extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CheckSkip';
  }
}

/** The check met a failure another check already reported: it is blocked by that one. */
export class CheckBlocked extends Error {
  readonly by: string;
  constructor(by: string) {
    super(`blocked by ${by}: fix that first`);
    this.name = 'CheckBlocked';
    this.by = by;
  }
}

export function fail(message: string, extra: FailureExtra = {}): never {
  throw new CheckFailure(message, extra);
}

export function skip(reason: string): never {
  throw new CheckSkip(reason);
}


/** "HTTP 503" or "no answer (timed out after 10000 ms)": how an exchange ended. */
export function describeAnswer(exchange: Exchange): string {
  if (exchange.status === undefined) return `no answer (${exchange.error?.message ?? 'unknown error'})${redirectsFollowed(exchange)}`;
  return `HTTP ${exchange.status}${redirectsFollowed(exchange)}`;
}

/** ' after a 307 redirect to POST /x', when the answer came at the end of redirects. */
function redirectsFollowed(exchange: Exchange): string {
  const hops = exchange.redirects ?? [];
  const last = hops.at(-1);
  if (!last) return '';
  const statuses = hops.map((hop) => hop.status).join(', ');
  const url = new URL(last.url);
  const where = url.origin === new URL(exchange.request.url).origin ? url.pathname + url.search : last.url;
  // Go's client sends a POST redirected with 301, 302 or 303 again as a GET without its body.
  const turned = last.method !== exchange.request.method ? ` (the host's client follows ${statuses} with a GET without the body)` : '';
  return ` after ${hops.length === 1 ? `a ${statuses} redirect` : `${hops.length} redirects (${statuses})`} to ${last.method} ${where}${turned}`;
}

function noAnswer(exchange: Exchange, what: string): never {
  fail(`${what}: ${describeAnswer(exchange)}.`, { exchange });
}

/** Exactly HTTP 200 with a JSON body (the host treats 201/204 as errors). Returns the body. */
export function expect200Json(exchange: Exchange, what: string): unknown {
  if (exchange.status === undefined) noAnswer(exchange, what);
  if (exchange.status !== 200) {
    fail(`${what} answered ${describeAnswer(exchange)}; Loom accepts exactly 200.`, { expected: 'HTTP 200 with a JSON body', exchange });
  }
  if (exchange.error) fail(`${what}: the body did not arrive whole (${exchange.error.message}).`, { exchange });
  if (exchange.json === undefined) {
    fail(`${what} answered 200 but the body is not JSON (${exchange.jsonError ?? 'empty body'}).`, {
      expected: 'a JSON body',
      exchange,
    });
  }
  return exchange.json;
}

export function expectJsonObject(exchange: Exchange, what: string): Record<string, unknown> {
  const body = expect200Json(exchange, what);
  if (!isObject(body)) fail(`${what} answered 200 with JSON that is not an object.`, { expected: 'a JSON object such as {}', exchange });
  return body;
}

export async function expectSchema(name: SchemaName, value: unknown, what: string, exchange?: Exchange): Promise<void> {
  const result = await checkAgainstSchema(name, value);
  if (!result.valid) {
    fail(`${what} does not match the ${name} schema.`, {
      expected: `a body valid against schemas/${name}.schema.json`,
      details: schemaSentences(result.errors, value),
      schemaErrors: rawSchemaErrors(result.errors),
      ...(exchange ? { exchange } : {}),
    });
  }
}

/**
 * The raw body text is valid against a wire schema, with the host's strict integers: a
 * field the schema types as integer written as `5.0` or `1.7e9` fails too (JSON.parse hides
 * the difference, the Go host's decoder rejects it). One validation pass does both.
 */
export async function expectWireSchema(name: SchemaName, text: string, what: string, exchange?: Exchange): Promise<void> {
  const check = await checkJsonTextAgainstSchema(name, text);
  const extra = exchange ? { exchange } : {};
  if (check.parseError !== undefined) fail(`${what} is not JSON (${check.parseError}).`, { expected: 'a JSON body', ...extra });
  const { shape: shapeErrors, nonIntegers } = splitNonIntegers(check.errors);
  if (shapeErrors.length > 0) {
    fail(`${what} does not match the ${name} schema.`, {
      expected: `a body valid against schemas/${name}.schema.json`,
      details: schemaSentences(shapeErrors, check.json),
      schemaErrors: rawSchemaErrors(shapeErrors),
      ...extra,
    });
  }
  if (nonIntegers.length > 0) {
    fail(`${what} writes integer fields as non-integers, which the Go host's decoder rejects.`, {
      expected: 'plain integer literals such as 1706000000',
      details: schemaSentences(nonIntegers, check.json),
      schemaErrors: rawSchemaErrors(nonIntegers),
      ...extra,
    });
  }
}

export interface ErrorBody {
  code: string;
  message: string;
  transient: boolean;
  details?: Record<string, unknown>;
}

/**
 * A non-200 answer whose body is the contract's `{code, message, transient}` object
 * (and, when `code` is given, carries that code). Returns the error body.
 */
export async function expectErrorAnswer(exchange: Exchange, what: string, code?: PluginErrorCode): Promise<ErrorBody> {
  const expected = code ? `a non-200 answer with {"code": "${code}", "message": ..., "transient": ...}` : 'a non-200 answer with a {code, message, transient} body';
  if (exchange.status === undefined) fail(`${what}: ${describeAnswer(exchange)}.`, { expected, exchange });
  if (exchange.status === 200) fail(`${what} answered HTTP 200 instead of an error.`, { expected, exchange });
  const body = exchange.json;
  if (body === undefined) {
    fail(`${what} answered HTTP ${exchange.status} with a body that is not JSON (${exchange.jsonError ?? 'empty body'}).`, { expected, exchange });
  }
  if (isObject(body) && body.code === undefined && isObject(body.error)) {
    fail(`${what} answered an {"error": {...}} body; Loom reads code, message and transient at the top level.`, { expected, exchange });
  }
  const shape = await checkAgainstSchema('error', body);
  if (!shape.valid) {
    fail(`${what} answered HTTP ${exchange.status} with an error body that does not match the error schema.`, {
      expected,
      details: schemaSentences(shape.errors, body),
      schemaErrors: rawSchemaErrors(shape.errors),
      exchange,
    });
  }
  const error = body as ErrorBody;
  if (code && error.code !== code) {
    fail(`${what} answered code "${error.code}"; expected "${code}".`, { expected, exchange });
  }
  return error;
}

/** Table mismatches (status, transient) of an error answer; [] when it follows ERROR_TABLE. */
export function tableMismatches(exchange: Exchange, error: ErrorBody): string[] {
  const row = ERROR_TABLE[error.code as PluginErrorCode];
  if (!row) return [];
  const problems: string[] = [];
  if (exchange.status === undefined || !(row.statuses as readonly number[]).includes(exchange.status)) {
    problems.push(`${error.code} came with HTTP ${exchange.status ?? 'none'}; the table says ${row.statuses.join(' or ')}`);
  }
  if (error.transient !== row.transient) {
    problems.push(`${error.code} came with transient: ${String(error.transient)}; the table says ${String(row.transient)}`);
  }
  return problems;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
