/** Ollama's error answers: a status and `{"error": "<text>"}`. */
import type { FaultTable } from '../fault-table.js';

export const FAULTS: FaultTable = {
  unauthorized: { status: 401, message: 'unauthorized' },
  'not-found': { status: 404, message: "model '{model}' not found" },
  'rate-limit': { status: 429, message: 'too many requests' },
  'server-error': { status: 500, message: 'llama runner process has terminated: exit status 2' },
  unavailable: { status: 503, message: 'server busy, please try again.  maximum pending requests exceeded' },
  'bad-request': { status: 400, message: '{detail}' },
  'unknown-route': { status: 404, message: '404 page not found' },
};
