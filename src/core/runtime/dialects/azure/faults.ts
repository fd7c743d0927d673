/** Azure OpenAI's error answers: `{"error": {code, message}}` with Azure's own codes. */
import type { FaultTable } from '../fault-table.js';

export const FAULTS: FaultTable = {
  unauthorized: { status: 401, code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' },
  'not-found': { status: 404, code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' },
  'rate-limit': { status: 429, code: '429', message: 'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current pricing tier. Please retry after {retryAfter} seconds.' },
  'server-error': { status: 500, code: 'InternalServerError', message: 'The server had an error while processing your request.' },
  unavailable: { status: 503, code: 'ServiceUnavailable', message: 'The service is temporarily unable to process your request. Please try again later.' },
  'bad-request': { status: 400, code: 'BadRequest', message: '{detail}' },
  'unknown-route': { status: 404, code: '404', message: 'Resource not found' },
};
