/** Anthropic's error answers: status and `error.type`; overload is 529. */
import type { FaultTable } from '../fault-table.js';

export const FAULTS: FaultTable = {
  unauthorized: { status: 401, type: 'authentication_error', message: 'invalid x-api-key' },
  'not-found': { status: 404, type: 'not_found_error', message: 'model: {model}' },
  'rate-limit': { status: 429, type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit. Please try again later.' },
  'server-error': { status: 500, type: 'api_error', message: 'Internal server error' },
  unavailable: { status: 529, type: 'overloaded_error', message: 'Overloaded' },
  'bad-request': { status: 400, type: 'invalid_request_error', message: '{detail}' },
  'unknown-route': { status: 404, type: 'not_found_error', message: 'Not found: {detail}' },
};
