/**
 * Gemini's error answers (google.rpc.Status): status, canonical `rpc` code and `details`.
 * A bad key is a 400 INVALID_ARGUMENT with reason API_KEY_INVALID; a 429 carries its
 * retry hint in RetryInfo.
 */
import type { FaultTable } from '../fault-table.js';

export const FAULTS: FaultTable = {
  unauthorized: {
    status: 400,
    rpc: 'INVALID_ARGUMENT',
    message: 'API key not valid. Please pass a valid API key.',
    details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } }],
  },
  'not-found': { status: 404, rpc: 'NOT_FOUND', message: 'models/{model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.' },
  'rate-limit': {
    status: 429,
    rpc: 'RESOURCE_EXHAUSTED',
    message: 'You exceeded your current quota, please check your plan and billing details. Please retry in {retryAfter}s.',
    details: [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '{retryAfter}s' },
    ],
  },
  'server-error': { status: 500, rpc: 'INTERNAL', message: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting' },
  unavailable: { status: 503, rpc: 'UNAVAILABLE', message: 'The model is overloaded. Please try again later.' },
  'bad-request': { status: 400, rpc: 'INVALID_ARGUMENT', message: '{detail}' },
  'unknown-route': { status: 404, rpc: 'NOT_FOUND', message: 'Method not found: {detail}' },
};
