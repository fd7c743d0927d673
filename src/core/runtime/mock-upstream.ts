/**
 * A scriptable OpenAI-compatible provider on 127.0.0.1 and a random free port. The
 * conformance suite points a plugin's upstream at it and scripts faults (401, 429, 503,
 * reset, hang, garbage) to see how the plugin maps them; `dev --mock-upstream` uses it to
 * work offline. Everything it receives is recorded so checks can verify forwarding.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { completion, completionChunks, openAiError, type ChatMessageLike } from './mock-replies.js';
import { BodyTooLarge, readBody } from '../read-body.js';

export type MockFault = 'ok' | 'unauthorized' | 'not-found' | 'rate-limit' | 'server-error' | 'unavailable' | 'reset' | 'hang' | 'malformed';

export const MOCK_FAULTS: readonly MockFault[] = ['ok', 'unauthorized', 'not-found', 'rate-limit', 'server-error', 'unavailable', 'reset', 'hang', 'malformed'];

/**
 * The one model id the mock refuses (404 model_not_found); every other id is served and
 * echoed back, so a plugin with its own model list (e.g. a static one) meets no false
 * 404s. The suite sends this id to provoke `model_not_found`.
 */
export const MOCK_UNKNOWN_MODEL = 'loom-plugin-test-unknown-model';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  time: number;
}

export interface MockUpstream {
  url: string;
  apiKey: string;
  /** What GET /models lists; chat accepts any model but MOCK_UNKNOWN_MODEL. */
  models: string[];
  /** Script the next N chat requests (FIFO; then back to 'ok'). */
  next(fault: MockFault, options?: { times?: number; retryAfterSeconds?: number }): void;
  received: RecordedRequest[];
  /** Clears the script and the records. */
  reset(): void;
  /** Stops listening and ends every open (also hanging) connection. */
  close(): Promise<void>;
}

export interface MockUpstreamOptions {
  apiKey?: string;
  models?: string[];
  /** Delay between stream chunks (default 20 ms), so first and last byte differ visibly. */
  chunkDelayMs?: number;
  /** Check `Authorization: Bearer <apiKey>` (default true). Off for plugins with no api_key field. */
  requireAuth?: boolean;
}

interface ScriptStep {
  fault: MockFault;
  retryAfterSeconds: number;
}

const DEFAULT_API_KEY = 'sk-loom-mock-0123456789abcdef';
const MAX_BODY_BYTES = 4 * 1024 * 1024;

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const models = options.models ?? ['mock-small', 'mock-large'];
  const chunkDelayMs = options.chunkDelayMs ?? 20;
  const script: ScriptStep[] = [];
  const received: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let closed = false;
  let counter = 0;

  const requireAuth = options.requireAuth ?? true;
  const authorized = (req: http.IncomingMessage) => !requireAuth || req.headers.authorization === `Bearer ${apiKey}`;

  const unauthorized = (res: http.ServerResponse) =>
    sendJson(res, 401, openAiError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'), { 'WWW-Authenticate': 'Bearer' });

  const modelNotFound = (res: http.ServerResponse, model: string) =>
    sendJson(res, 404, openAiError(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found', 'model'));

  const handleFault = (step: ScriptStep, req: http.IncomingMessage, res: http.ServerResponse, model: string, stream: boolean): boolean => {
    switch (step.fault) {
      case 'ok':
        return false;
      case 'unauthorized':
        unauthorized(res);
        return true;
      case 'not-found':
        modelNotFound(res, model);
        return true;
      case 'rate-limit':
        sendJson(res, 429, openAiError('Rate limit reached for requests.', 'requests', 'rate_limit_exceeded'), {
          'Retry-After': String(step.retryAfterSeconds),
        });
        return true;
      case 'server-error':
        sendJson(res, 500, openAiError('The server had an error while processing your request.', 'server_error', null));
        return true;
      case 'unavailable':
        sendJson(res, 503, openAiError('The engine is currently overloaded, please try again later.', 'server_error', 'service_unavailable'));
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'hang':
        // Never answer; close() destroys the socket.
        return true;
      case 'malformed':
        if (stream) {
          res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
          res.end('data: {"choices": [ garbage\n\n');
        } else {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('{"choices": [ {"message": garbage');
        }
        return true;
    }
  };

  const chat = async (req: http.IncomingMessage, res: http.ServerResponse, body: unknown) => {
    if (!authorized(req)) return unauthorized(res);
    const request = (body && typeof body === 'object' ? body : {}) as { model?: unknown; messages?: unknown; stream?: unknown; stream_options?: { include_usage?: unknown } };
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendJson(res, 400, openAiError('We could not parse the JSON body of your request.', 'invalid_request_error', null));
    }
    if (typeof request.model !== 'string' || request.model === '') {
      return sendJson(res, 400, openAiError('you must provide a model parameter', 'invalid_request_error', null, 'model'));
    }
    if (!Array.isArray(request.messages)) {
      return sendJson(res, 400, openAiError("'messages' is a required property and must be an array", 'invalid_request_error', null, 'messages'));
    }
    if (request.model === MOCK_UNKNOWN_MODEL) return modelNotFound(res, request.model);
    const stream = request.stream === true;
    const step = script.shift() ?? { fault: 'ok', retryAfterSeconds: 7 };
    if (handleFault(step, req, res, request.model, stream)) return;
    counter += 1;
    const id = `chatcmpl-mock-${counter}`;
    const messages = request.messages as ChatMessageLike[];
    if (!stream) return sendJson(res, 200, completion(id, request.model, messages));
    const { chunks } = completionChunks(id, request.model, messages, request.stream_options?.include_usage === true);
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    for (const [index, chunk] of chunks.entries()) {
      if (closed || res.destroyed) return;
      if (index > 0 && chunkDelayMs > 0) await sleep(chunkDelayMs);
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    }
    res.end('data: [DONE]\n\n');
  };

  const listModels = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!authorized(req)) return unauthorized(res);
    const created = 1_700_000_000;
    sendJson(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created, owned_by: 'loom-mock' })) });
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      let text = '';
      try {
        text = await readBody(req, MAX_BODY_BYTES);
      } catch (error) {
        // An answer, not a cut connection: the client would only see a reset.
        if (error instanceof BodyTooLarge) sendJson(res, 413, { error: { message: error.message, type: 'invalid_request_error', param: null, code: 'request_too_large' } });
        else res.destroy();
        return;
      }
      let body: unknown;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      received.push({ method: req.method ?? 'GET', path, headers, body, time: Date.now() });
      const route = path.replace(/^\/v1(?=\/)/, '');
      if (req.method === 'POST' && route === '/chat/completions') return chat(req, res, body);
      if (req.method === 'GET' && route === '/models') return listModels(req, res);
      sendJson(res, 404, openAiError(`Unknown request URL: ${req.method} ${path}.`, 'invalid_request_error', 'unknown_url'));
    })().catch(() => {
      if (!res.headersSent) sendJson(res, 500, openAiError('mock upstream failure', 'server_error', null));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    models: [...models],
    received,
    next(fault, { times = 1, retryAfterSeconds = 7 } = {}) {
      for (let i = 0; i < times; i += 1) script.push({ fault, retryAfterSeconds });
    },
    reset() {
      script.length = 0;
      received.length = 0;
    },
    close() {
      closed = true;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
    },
  };
}
