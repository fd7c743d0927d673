// The six Loom plugin endpoints as an Express app. Every answer is JSON: success is
// exactly 200, every error is `{code, message, transient}` (Express's own HTML pages for
// unknown paths and for body-parser errors are replaced below).
import express from 'express';
import { hideSecrets, PluginError } from './errors.js';
import { METADATA, resolveConfig, secretsOf } from './settings.js';
import { Upstream } from './upstream.js';

function sendError(res, error) {
  res.status(error.status).set(error.headers).json(error.body());
}

function jsonBody(req) {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new PluginError('invalid_request', 'the request body is not valid JSON');
  }
}

function checkChatRequest(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new PluginError('invalid_request', 'the request body must be a JSON object');
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new PluginError('invalid_request', 'messages must be a non-empty array');
  }
  if (!body.messages.every((message) => message !== null && typeof message === 'object' && !Array.isArray(message))) {
    throw new PluginError('invalid_request', 'every message must be an object');
  }
  if (typeof body.model !== 'string' || body.model === '') {
    throw new PluginError('invalid_request', 'model must be a non-empty string');
  }
  return body;
}

/** @param {{env?: NodeJS.ProcessEnv}} [options] where LOOM_CONFIG_* values are read */
export function createApp({ env = process.env } = {}) {
  const app = express();
  app.disable('x-powered-by');
  // The body is parsed by the handlers (jsonBody), so a bad body is our JSON error and
  // a missing Content-Type does not matter. Images for vision can be large.
  app.use(express.raw({ type: () => true, limit: '20mb' }));

  /** The initialized upstream; replaced by /initialize, cleared by /cleanup. */
  let upstream;
  const current = () => {
    if (!upstream) {
      throw new PluginError('provider_unavailable', 'the plugin is not initialized: POST /initialize first', { status: 503 });
    }
    return upstream;
  };

  app.get('/metadata', (req, res) => {
    res.json(METADATA);
  });

  app.post('/initialize', (req, res) => {
    const config = resolveConfig(jsonBody(req), env);
    hideSecrets(secretsOf(config));
    upstream = new Upstream(config); // initializing again replaces the old config
    res.json({});
  });

  app.get('/health', (req, res) => {
    const started = performance.now();
    const initialized = upstream !== undefined;
    res.json({
      healthy: initialized,
      message: initialized ? 'OK' : 'not initialized: POST /initialize first',
      latency_ms: Math.round(performance.now() - started),
      // RFC 3339 with a zone (toISOString ends in Z): Loom cannot parse a naive timestamp.
      timestamp: new Date().toISOString(),
      details: { initialized },
    });
  });

  app.get('/models', async (req, res) => {
    const models = await current().listModels();
    if (models.length === 0) throw new PluginError('provider_unavailable', 'the provider lists no models');
    res.json(models);
  });

  app.post('/chat/completions', async (req, res) => {
    const body = checkChatRequest(jsonBody(req));
    const provider = current();
    if (METADATA.capabilities.streaming && body.stream === true) {
      // Stop reading from the upstream when the caller goes away.
      const gone = new AbortController();
      res.on('close', () => gone.abort());
      const events = await provider.chatStream(body, gone.signal);
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.flushHeaders();
      for await (const event of events) {
        if (gone.signal.aborted) break;
        res.write(event);
      }
      res.end();
      return;
    }
    // Without the streaming capability a stream request still gets one JSON answer,
    // which is what Loom's plugin client expects.
    res.json(await provider.chat(body));
  });

  app.post('/cleanup', (req, res) => {
    upstream = undefined;
    res.json({});
  });

  // Unknown paths and wrong methods: the protocol has no 404/405 code for them, so they
  // are invalid requests (400), never Express's HTML page.
  app.use((req, res) => {
    sendError(res, new PluginError('invalid_request', `unknown endpoint ${req.method} ${req.path}`));
  });

  // eslint-disable-next-line no-unused-vars -- Express recognises error handlers by arity
  app.use((error, req, res, next) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (error instanceof PluginError) {
      sendError(res, error);
    } else if (error?.type === 'entity.too.large') {
      sendError(res, new PluginError('invalid_request', 'the request body is too large'));
    } else if (typeof error?.status === 'number' && error.status < 500) {
      sendError(res, new PluginError('invalid_request', 'the request could not be read'));
    } else {
      console.error(`unexpected error in ${req.method} ${req.path}:`, error);
      sendError(res, new PluginError('internal_error', 'the plugin hit an unexpected error'));
    }
  });

  return app;
}
