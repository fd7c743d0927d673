/**
 * The curl lines loom-plugin prints are run as printed, through `sh`, against a server
 * this test starts on 127.0.0.1, and the server must receive the very bytes of the
 * original request: a body that starts with `@` (with `-d`, curl read a file of that
 * name instead), newlines and CRs, single and double quotes, `$` and backticks the
 * shell must not expand. Both the dev request log's line and the test reporter's line.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestLog } from '../../src/core/dev/request-log.js';
import { curlLine as reporterCurlLine } from '../../src/core/runtime/curl-line.js';
import { SecretMasker } from '../../src/core/runtime/mask-secrets.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const BODIES = {
  'starts with @': '@payload.json',
  'JSON with newlines, CRs, quotes and @': `{\r\n  "model": "relay-1",\n  "messages": [{"role": "user", "content": "it's \\"quoted\\" @ 10:00\\nnext"}]\n}\n`,
  'shell characters': `{"content":"$HOME \`id\` $(id) \\\\ ! ' '' \\"\\" %s"}`,
};

let server: Server;
let base: string;
let work: string;
let received: Received[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'loom-curl-replay-'));
  // The file a `-d @payload.json` would send instead of the body.
  await writeFile(join(work, 'payload.json'), '{"not":"the body"}');
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(work, { recursive: true, force: true });
});

/** Runs one printed line through sh, as a user pasting it would. */
function runLine(line: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', line], { cwd: work, env: { PATH: process.env.PATH, LOOM_DEV_TOKEN: 'tok-7f3a' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

async function replay(line: string): Promise<Received> {
  received = [];
  const { code, stderr } = await runLine(line);
  expect(code, stderr).toBe(0);
  expect(received).toHaveLength(1);
  return received[0]!;
}

describe('printed curl lines send the same bytes', () => {
  for (const [name, body] of Object.entries(BODIES)) {
    it(`the dev request log's line: ${name}`, async () => {
      const log = new RequestLog(new SecretMasker());
      log.add({ time: 1, method: 'POST', path: '/v1/chat/completions', provider: 'relay', model: 'relay-1', status: 200, durationMs: 3, stream: false, requestBody: body, responseBody: '{}', truncated: false, error: undefined }, base);
      const line = log.entries()[0]!.curl;
      const got = await replay(line);
      expect(got.method).toBe('POST');
      expect(got.url).toBe('/v1/chat/completions');
      expect(got.headers.authorization).toBe('Bearer tok-7f3a');
      expect(got.headers['content-type']).toBe('application/json');
      expect(got.body.equals(Buffer.from(body))).toBe(true);
    }, 15_000);

    it(`the test reporter's line: ${name}`, async () => {
      const line = reporterCurlLine({ method: 'POST', url: `${base}/chat/completions`, headers: { 'content-type': 'application/json' }, body });
      const got = await replay(line);
      expect(got.url).toBe('/chat/completions');
      expect(got.body.equals(Buffer.from(body))).toBe(true);
    }, 15_000);
  }
});
