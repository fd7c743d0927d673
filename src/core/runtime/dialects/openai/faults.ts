/** OpenAI's error answers: status, `type` and `code` of `{"error": {...}}` (Azure has its own). */
import type { FaultTable } from '../fault-table.js';

export const FAULTS: FaultTable = {
  unauthorized: { status: 401, type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  'not-found': { status: 404, type: 'invalid_request_error', code: 'model_not_found', message: 'The model `{model}` does not exist or you do not have access to it.' },
  'rate-limit': { status: 429, type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again in {retryAfter}s.' },
  'server-error': { status: 500, type: 'server_error', code: null, message: 'The server had an error while processing your request.' },
  unavailable: { status: 503, type: 'server_error', code: 'service_unavailable', message: 'The engine is currently overloaded, please try again later.' },
  'bad-request': { status: 400, type: 'invalid_request_error', code: null, message: '{detail}' },
  'unknown-route': { status: 404, type: 'invalid_request_error', code: 'unknown_url', message: 'Unknown request URL: {detail}.' },
};
