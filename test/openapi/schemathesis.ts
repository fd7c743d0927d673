/**
 * Runs Schemathesis (from PyPI, pinned in test/helpers/python-tools.ts) with
 * schemas/openapi.json against a running plugin and reads its summary.
 *
 * Checks, chosen to say exactly "every answer matches the document": the status is one
 * the document lists (so a 5xx outside the error table fails), the content type and the
 * body match it (so a 500 HTML page fails, and a table status with another code fails:
 * each status fixes its code), and documented headers (Retry-After) match. Not used:
 * `not_a_server_error` (the table allows 500/502/503/504 with the right code, e.g. a chat
 * before /initialize), `positive_data_acceptance` (a schema-valid chat request may
 * still be refused by the provider with a 400 or 404, as the table allows),
 * `negative_data_rejection` (the protocol asks plugins to tolerate fields they do not know,
 * so many "invalid" bodies must be accepted) and `unsupported_method` (it wants 405; the
 * protocol's answer to an unknown method is a JSON 404/400 error).
 */
import { join } from 'node:path';
import { ROOT, run, tempWorkspace } from '../e2e/helpers.js';
import { pythonToolsBin } from '../helpers/python-tools.js';

export const OPENAPI_FILE = join(ROOT, 'schemas', 'openapi.json');

const CHECKS = ['status_code_conformance', 'content_type_conformance', 'response_headers_conformance', 'response_schema_conformance'];

export interface SchemathesisResult {
  code: number | null;
  output: string;
  /** Operations tested, test cases generated, unique failures found. */
  operations: number;
  cases: number;
  failures: number;
}

function count(output: string, pattern: RegExp): number {
  const match = pattern.exec(output);
  return match ? Number(match[1]) : 0;
}

export async function runSchemathesis(baseUrl: string, options: { maxExamples?: number; seed?: number } = {}): Promise<SchemathesisResult> {
  const bin = await pythonToolsBin();
  const args = [
    'run', OPENAPI_FILE,
    '--url', baseUrl,
    '--checks', CHECKS.join(','),
    // Few examples per operation and a fixed seed: CI time stays small and runs repeat.
    '--max-examples', String(options.maxExamples ?? 25),
    '--seed', String(options.seed ?? 20261201),
    '--workers', '1',
    '--request-timeout', '10',
    '--generation-database', 'none',
    '--no-color',
  ];
  // It keeps .hypothesis/ and .schemathesis/ in its working folder: a throwaway one.
  const workspace = await tempWorkspace('loom-schemathesis-');
  const result = await run(join(bin, 'schemathesis'), args, { cwd: workspace.dir, timeoutMs: 180_000 }).finally(() => workspace.remove());
  return {
    code: result.code,
    output: result.output,
    operations: count(result.output, /^\s*Tested: (\d+)/m),
    cases: count(result.output, /(\d+) generated/),
    failures: count(result.output, /found (\d+) unique failures?/),
  };
}
