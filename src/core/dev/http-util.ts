/** Small helpers for the dev host's node:http handlers. */
import type { ServerResponse } from 'node:http';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(body);
}

/** An error in the OpenAI shape, for answers the host itself gives on the /v1 door. */
export function openAiError(res: ServerResponse, status: number, message: string, code: string, type = 'invalid_request_error'): void {
  sendJson(res, status, { error: { message, type, param: null, code } });
}

/** An error no handler caught: a 500 with its message masked (it is sent to the client). */
export function sendHostError(res: ServerResponse, error: unknown, mask: (text: string) => string): void {
  if (!res.headersSent) sendJson(res, 500, { error: `Dev host error: ${mask((error as Error).message)}` });
  else res.destroy();
}
