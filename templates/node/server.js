// Entry point: serves the plugin on 127.0.0.1:$PORT (HOST overrides, e.g. 0.0.0.0 in
// Docker), logs one line per request, and stops gracefully on SIGTERM/SIGINT.
import { createServer } from 'node:http';
import { createApp } from './src/app.js';
import { METADATA } from './src/settings.js';

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || {{port|json}});
const app = createApp();

// One line per request: method, path, status, milliseconds. Never bodies, headers or the
// query string (any of them may carry secrets).
let stopping = false;
const logged = (handler) => (req, res) => {
  const started = performance.now();
  if (stopping) res.setHeader('Connection', 'close');
  res.on('close', () => {
    console.log(`${req.method} ${req.url.split('?')[0]} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
    // While stopping, a keep-alive connection that just went idle must not hold us up.
    if (stopping) setImmediate(() => server.closeIdleConnections());
  });
  handler(req, res);
};

const server = createServer(logged(app));
server.listen(port, host, () => {
  console.log(`${METADATA.name} listening on http://${host}:${port}`);
});

// Finish requests in flight, then exit 0; give up on them after 5 s.
function shutdown() {
  stopping = true;
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
