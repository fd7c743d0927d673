/** Cohere's error answers: a status and `{"message": "<text>"}`. */
import type { FaultTable } from '../fault-table.js';

export const FAULTS: FaultTable = {
  unauthorized: { status: 401, message: 'invalid api token' },
  'not-found': { status: 404, message: "model '{model}' not found, make sure the correct model ID was used and that you have access to the model." },
  'rate-limit': { status: 429, message: 'You are using a Trial key, which is limited to 10 API calls / minute. You can continue to use the Trial key for free or upgrade to a Production key with higher rate limits.' },
  'server-error': { status: 500, message: 'internal server error, this has been reported to our developers' },
  unavailable: { status: 503, message: 'service unavailable, please try again later' },
  'bad-request': { status: 400, message: 'invalid request: {detail}' },
  'unknown-route': { status: 404, message: 'not found' },
};
