/**
 * Error answers. `errors.<case>` (required): the answer is non-200 with a valid
 * `{code, message, transient}` body and the expected code. `error-table.<code>`
 * (recommended): the HTTP status and transient flag follow the contract's table (and a
 * rate limit says when to retry). Both levels judge the same memoized answers.
 */
import { ERROR_TABLE, type PluginErrorCode } from '../../protocol.js';
import { checkAgainstSchema } from '../../schema-registry.js';
import type { Exchange } from '../../runtime/http-client.js';
import { CheckFailure, CheckSkip, expectErrorAnswer, fail, skip, tableMismatches, type ErrorBody } from '../check-helpers.js';
import type { CheckImpl, SuiteContext } from './context.js';
import { PROVOCATIONS, provoke, timeoutWaitMs, type ProvocationKey } from './provocations.js';

function errorCheck(keys: ProvocationKey[]): CheckImpl {
  const first = PROVOCATIONS[keys[0] as ProvocationKey];
  return {
    needs: first.needs,
    ...('upstream' in first && first.upstream ? { upstream: true } : {}),
    async run(ctx) {
      for (const key of keys) {
        const provocation = PROVOCATIONS[key];
        await expectErrorAnswer(await provoke(ctx, key), provocation.what, provocation.code);
      }
    },
  };
}

/** Which provocations answer with each code of the table. */
const TABLE_SOURCES: Partial<Record<PluginErrorCode, ProvocationKey[]>> = {
  invalid_request: ['config-missing-field', 'config-wrong-type', 'invalid-json', 'missing-messages', 'messages-not-array'],
  model_not_found: ['unknown-model'],
  authentication_failed: ['authentication'],
  rate_limit_exceeded: ['rate-limit'],
  provider_unavailable: ['unavailable', 'reset'],
  timeout: ['timeout'],
  internal_error: ['malformed'],
};

/**
 * The required check that judges each provocation's answer first: the one whose failure
 * a table check with no answer to judge is blocked by (the same request, one verdict).
 */
const JUDGED_BY: Record<ProvocationKey, string> = {
  'config-missing-field': 'lifecycle.config-missing-field',
  'config-wrong-type': 'lifecycle.config-wrong-type',
  'invalid-json': 'errors.invalid-json',
  'missing-messages': 'errors.missing-messages',
  'messages-not-array': 'errors.messages-not-array',
  'unknown-model': 'errors.unknown-model',
  authentication: 'errors.authentication',
  'rate-limit': 'errors.rate-limit',
  unavailable: 'errors.unavailable',
  reset: 'errors.unavailable',
  malformed: 'errors.malformed-upstream',
  timeout: 'errors.timeout',
};

/** The error body of an answer when it is a valid one with `code`; undefined otherwise. */
async function errorWithCode(exchange: Exchange, code: PluginErrorCode): Promise<ErrorBody | undefined> {
  if (exchange.status === undefined || exchange.status === 200) return undefined;
  const shape = await checkAgainstSchema('error', exchange.json);
  return shape.valid && (exchange.json as ErrorBody).code === code ? (exchange.json as ErrorBody) : undefined;
}

function retryAfterProblems(exchange: Exchange, error: ErrorBody): string[] {
  const header = exchange.headers['retry-after'];
  const detail = error.details?.retry_after;
  if ((header !== undefined && header.trim() !== '') || typeof detail === 'number') return [];
  return ['rate_limit_exceeded came with neither a Retry-After header nor details.retry_after'];
}

function tableCheck(code: PluginErrorCode): CheckImpl {
  const keys = TABLE_SOURCES[code] ?? [];
  return {
    needs: 'ready',
    async run(ctx: SuiteContext) {
      const problems: string[] = [];
      let judged = 0;
      let last: Exchange | undefined;
      let unsent: Exchange | undefined;
      // A provocation sent but never answered (it timed out): the plugin hung, which is no skip.
      let unanswered: { key: ProvocationKey; exchange: Exchange } | undefined;
      const notJudged: string[] = [];
      for (const key of keys) {
        let exchange: Exchange;
        try {
          exchange = await provoke(ctx, key);
        } catch (error) {
          if (error instanceof CheckSkip || error instanceof CheckFailure) {
            notJudged.push(`${PROVOCATIONS[key].what}: ${error.message}`);
            continue;
          }
          throw error;
        }
        if (exchange.error?.kind === 'skipped') unsent = exchange;
        else if (exchange.status === undefined) unanswered ??= { key, exchange };
        const error = await errorWithCode(exchange, code);
        if (!error) {
          notJudged.push(`${PROVOCATIONS[key].what}: the answer did not carry code ${code}`);
          continue;
        }
        judged += 1;
        const found = tableMismatches(exchange, error);
        if (code === 'rate_limit_exceeded') found.push(...retryAfterProblems(exchange, error));
        if (found.length > 0) last = exchange;
        problems.push(...found.map((problem) => `${PROVOCATIONS[key].what}: ${problem}`));
      }
      if (last) ctx.use(last);
      if (problems.length > 0) {
        const row = ERROR_TABLE[code];
        fail(`${code} answers do not follow the error table.`, {
          expected: `HTTP ${row.statuses.join(' or ')}, transient: ${String(row.transient)}${code === 'rate_limit_exceeded' ? ', Retry-After header or details.retry_after' : ''}`,
          details: problems,
        });
      }
      // Nothing judged because the breaker kept a provocation unsent: not a skip (skips
      // never fail a run, even under --strict) but the runner's "blocked by" the check
      // whose timeout tripped it (or a failure when no check did).
      if (judged === 0 && unsent) {
        ctx.use(unsent);
        fail(`${code} answers could not be judged: ${unsent.error?.message ?? 'a request was not sent'}.`);
      }
      if (judged === 0 && unanswered) {
        // The required check that sent the same request failed for it: one mistake, one verdict.
        ctx.unlessFailed(JUDGED_BY[unanswered.key]);
        ctx.use(unanswered.exchange);
        fail(`${code} answers could not be judged: ${PROVOCATIONS[unanswered.key].what} got no answer (${unanswered.exchange.error?.message ?? 'no response'}).`, {
          expected: `an answer with code ${code}`,
        });
      }
      if (judged === 0) skip(`no answer carried code ${code} to judge (${notJudged[0] ?? 'nothing provoked it'})`);
    },
  };
}

export const ERROR_CHECKS: Record<string, CheckImpl> = {
  'errors.invalid-json': errorCheck(['invalid-json']),
  'errors.missing-messages': errorCheck(['missing-messages']),
  'errors.messages-not-array': errorCheck(['messages-not-array']),
  'errors.unknown-model': errorCheck(['unknown-model']),
  'errors.authentication': errorCheck(['authentication']),
  'errors.rate-limit': errorCheck(['rate-limit']),
  'errors.unavailable': errorCheck(['unavailable', 'reset']),
  'errors.malformed-upstream': errorCheck(['malformed']),
  'errors.timeout': { ...errorCheck(['timeout']), waitMs: timeoutWaitMs },
  'error-table.invalid-request': tableCheck('invalid_request'),
  'error-table.model-not-found': tableCheck('model_not_found'),
  'error-table.authentication-failed': tableCheck('authentication_failed'),
  'error-table.rate-limit': tableCheck('rate_limit_exceeded'),
  'error-table.provider-unavailable': tableCheck('provider_unavailable'),
  'error-table.timeout': tableCheck('timeout'),
  'error-table.internal-error': tableCheck('internal_error'),
  'errors.unknown-path': {
    needs: 'ready',
    async run(ctx) {
      const exchange = await ctx.request('GET', '/loom-plugin-test/unknown');
      await expectErrorAnswer(exchange, 'GET /loom-plugin-test/unknown');
    },
  },
};
