#!/usr/bin/env node
/**
 * bench/bare-proxy.mjs — a minimal node:http forwarding proxy, used by bench/dev.mjs as a
 * yardstick: read the body, forward it over a keep-alive agent, send the answer back.
 * No routing, guards, logging or streaming. Whatever the dev host loses to "direct" that
 * this also loses is the price of the extra HTTP hop, not of the host's own work.
 * Usage: node bench/bare-proxy.mjs <plugin-port>   (prints the port it listens on)
 */
import http from 'node:http';

const target = Number(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const upstream = http.request(
      { host: '127.0.0.1', port: target, path: req.url, method: req.method, agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (answer) => {
        const out = [];
        answer.on('data', (chunk) => out.push(chunk));
        answer.on('end', () => {
          res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json' });
          res.end(Buffer.concat(out));
        });
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    upstream.end(body);
  });
});
server.keepAliveTimeout = 10_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
