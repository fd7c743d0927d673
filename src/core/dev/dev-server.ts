/**
 * The dev host's HTTP server: guards first (Host/Origin on everything, the token on /v1
 * and /api), then the page, the OpenAI door and the management API.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { LoomPluginError } from '../errors.js';
import { checkHostAndOrigin, checkToken, type HostRules } from './security.js';
import { openAiError, sendHostError, sendJson } from './http-util.js';
import { pageAsset } from './page-assets.js';

export interface ServerHandlers {
  token: string;
  hostRules: () => HostRules;
  v1: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void> | void;
  api: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;
  /** Masks secrets in the message of an error no handler caught (it is sent to the client). */
  mask: (text: string) => string;
}

/** Headers for the page: no inline script, no framing, nothing sent to other origins. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

/** Open connections at most (pages, SDK clients, event streams); more are refused by the server. */
export const MAX_CONNECTIONS = 256;

export function createDevServer(handlers: ServerHandlers): Server {
  const server = createServer((req, res) => {
    // Synchronous up to the handler (no promise per request on the /v1 path); whatever
    // a handler throws or rejects with becomes a 500 with its message masked.
    try {
      handle(req, res, handlers)?.catch((error: unknown) => sendHostError(res, error, handlers.mask));
    } catch (error) {
      sendHostError(res, error, handlers.mask);
    }
  });
  server.keepAliveTimeout = 10_000;
  // A local host needs a handful of connections; thousands are an attack on its memory.
  server.maxConnections = MAX_CONNECTIONS;
  return server;
}

function handle(req: IncomingMessage, res: ServerResponse, handlers: ServerHandlers): Promise<void> | void {
  const guard = checkHostAndOrigin(req, handlers.hostRules());
  if (!guard.ok) {
    sendJson(res, guard.status, { error: { message: guard.message, type: 'forbidden', code: 'forbidden' } });
    return;
  }
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);

  if (path.startsWith('/v1/') || path.startsWith('/api/')) {
    const auth = checkToken(req, handlers.token);
    if (!auth.ok) {
      res.setHeader('www-authenticate', 'Bearer');
      if (path.startsWith('/v1/')) openAiError(res, auth.status, auth.message, 'invalid_token', 'authentication_error');
      else sendJson(res, auth.status, { error: auth.message });
      return;
    }
    if (path.startsWith('/v1/')) return handlers.v1(req, res, path);
    return handlers.api(req, res, path);
  }

  return servePage(req, res, path);
}

async function servePage(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const asset = req.method === 'GET' || req.method === 'HEAD' ? await pageAsset(path) : undefined;
  if (asset) {
    res.writeHead(200, { 'content-type': asset.type, ...PAGE_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
    return;
  }
  sendJson(res, 404, { error: `Not found: ${path}` });
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(new LoomPluginError('E_PORT_IN_USE', `Port ${port} on ${host} is already in use.`, { hint: 'Pass another --port, or --port 0 for any free port.' }));
      } else reject(new LoomPluginError('E_USAGE', `Cannot listen on ${host}:${port}: ${error.message}.`, { hint: 'Check --host and --port.' }));
    };
    const onListening = (): void => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
