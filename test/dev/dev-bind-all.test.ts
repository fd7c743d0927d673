/**
 * `dev --host 0.0.0.0` (or `::`): every URL it prints must answer, with the token, and the
 * DNS-rebinding guard must still refuse a host name nobody allowed. Only 127.0.0.1 is
 * reachable in every test environment, so each request connects there and names the
 * printed URL's host in `Host`, as a browser opening that URL would.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devWithFlags, FIXTURES, SECRET, startTestHost, waitUntil, type TestHost } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${ROOT}bin/loom-plugin.js`;

/** GET on 127.0.0.1:port with the given headers (fetch forbids setting Host). */
function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The page and /v1/models as a client of `pageUrl` (`http://host:port/#token=...`) calls them. */
async function callAsPrinted(pageUrl: string): Promise<{ page: number; models: number }> {
  const url = new URL(pageUrl);
  const token = url.hash.replace('#token=', '');
  const port = Number(url.port);
  const page = await get(port, '/', { host: url.host });
  const models = await get(port, '/v1/models', { host: url.host, authorization: `Bearer ${token}` });
  return { page: page.status, models: models.status };
}

describe('bound to 0.0.0.0', () => {
  let t: TestHost;
  let port: number;
  beforeAll(async () => {
    t = await startTestHost({ path: `${FIXTURES}echo`, watch: false, host: '0.0.0.0' });
    port = t.host.port;
  }, 30_000);
  afterAll(async () => {
    await t?.host.close();
  });

  it('gives 127.0.0.1 for local use (what `o` opens), never 0.0.0.0', () => {
    expect(t.host.url).toBe(`http://127.0.0.1:${port}`);
    expect(t.host.pageUrl).toBe(`http://127.0.0.1:${port}/#token=${t.host.token}`);
    for (const url of t.host.networkUrls) expect(url).not.toMatch(/0\.0\.0\.0|127\.0\.0\.1|\[::1\]|\[fe80/);
  });

  it('answers the page and /v1 at every URL it gives', async () => {
    const urls = [t.host.pageUrl, ...t.host.networkUrls.map((url) => `${url}/#token=${t.host.token}`)];
    for (const url of urls) expect(await callAsPrinted(url), url).toEqual({ page: 200, models: 200 });
  });

  it('accepts any IP literal and localhost in Host (no DNS, so no rebinding), whatever the port', async () => {
    const auth = { authorization: `Bearer ${t.host.token}` };
    for (const host of [`0.0.0.0:${port}`, `192.168.77.5:${port}`, `[fd00::77]:${port}`, `localhost:${port}`, 'localhost:8080', '127.0.0.1']) {
      expect((await get(port, '/v1/models', { ...auth, host })).status, host).toBe(200);
    }
  });

  it('refuses a host name nobody allowed (DNS rebinding), and says how to allow it', async () => {
    const auth = { authorization: `Bearer ${t.host.token}` };
    for (const host of [`myhost.lan:${port}`, `evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `localhost.evil.example:${port}`, `[::1`]) {
      const answer = await get(port, '/v1/models', { ...auth, host });
      expect(answer.status, host).toBe(403);
    }
    expect((await get(port, '/', { host: `myhost.lan:${port}` })).body).toContain('--allowed-host');
  });

  it('accepts an Origin only from its own URL or a loopback one with its port (CSRF)', async () => {
    const auth = { authorization: `Bearer ${t.host.token}` };
    const asLan = { ...auth, host: `192.168.77.5:${port}` };
    expect((await get(port, '/v1/models', { ...asLan, origin: `http://192.168.77.5:${port}` })).status).toBe(200);
    expect((await get(port, '/v1/models', { ...asLan, origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    // Another IP's page on the same port is another site, although its Host would pass.
    expect((await get(port, '/v1/models', { ...asLan, origin: `http://203.0.113.9:${port}` })).status).toBe(403);
    expect((await get(port, '/v1/models', { ...asLan, origin: 'http://192.168.77.5:9999' })).status).toBe(403);
  });
});

describe('--allowed-host', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startTestHost({ path: `${FIXTURES}echo`, watch: false, allowedHosts: ['MyHost.lan', '.example.test'] });
  }, 30_000);
  afterAll(async () => {
    await t?.host.close();
  });

  it('lets the named hosts (and subdomains of a leading-dot name) through, nothing else', async () => {
    const port = t.host.port;
    const auth = { authorization: `Bearer ${t.host.token}` };
    const status = async (host: string): Promise<number> => (await get(port, '/v1/models', { ...auth, host })).status;
    expect(await status(`myhost.lan:${port}`)).toBe(200);
    expect(await status(`MYHOST.LAN:${port}`)).toBe(200);
    expect(await status(`example.test:${port}`)).toBe(200);
    expect(await status(`a.b.example.test:${port}`)).toBe(200);
    expect(await status(`badexample.test:${port}`)).toBe(403);
    expect(await status(`myhost.lan.evil.example:${port}`)).toBe(403);
    expect(await status(`other.lan:${port}`)).toBe(403);
    // Its own origin passes; a sibling allowed name is still another site.
    expect((await get(port, '/v1/models', { ...auth, host: `myhost.lan:${port}`, origin: `http://myhost.lan:${port}` })).status).toBe(200);
    expect((await get(port, '/v1/models', { ...auth, host: `myhost.lan:${port}`, origin: `http://a.example.test:${port}` })).status).toBe(403);
  });

  // Through an https tunnel the Host is the public name and the playground's POSTs carry
  // Origin https://<that name>: refused with 403 while only http: origins were taken.
  it('takes an https Origin of the request\'s own allowed Host (a tunnel), no other', async () => {
    const port = t.host.port;
    const auth = { authorization: `Bearer ${t.host.token}` };
    const status = async (host: string, origin: string): Promise<number> => (await get(port, '/v1/models', { ...auth, host, origin })).status;
    expect(await status('abc.example.test', 'https://abc.example.test')).toBe(200);
    expect(await status('abc.example.test:443', 'https://abc.example.test')).toBe(200);
    expect(await status('myhost.lan:8443', 'https://myhost.lan:8443')).toBe(200);
    expect(await status('abc.example.test', 'https://other.example.test')).toBe(403);
    expect(await status('abc.example.test', 'https://abc.example.test:8443')).toBe(403);
    expect(await status('abc.example.test:80', 'https://abc.example.test')).toBe(403);
    expect(await status('evil.example', 'https://evil.example')).toBe(403);
  });

  it.each([
    ['a URL', 'http://myhost.lan'],
    ['a port', 'myhost.lan:4477'],
    ['a star', '*'],
    ['a top-level domain wildcard', '.com'],
  ])('exits 2 for %s', async (_name, value) => {
    const { code, stderr, stdout } = await devWithFlags(['--allowed-host', value]);
    expect(code).toBe(2);
    expect(stderr).toContain('given with --allowed-host');
    expect(stdout).not.toContain('Loom dev host');
  });
});

describe('loom-plugin dev --host 0.0.0.0 (spawned)', () => {
  it('every URL it prints answers with the token; an allowed name too, another name not', async () => {
    const child = spawn(process.execPath, [BIN, 'dev', `${FIXTURES}echo`, '--host', '0.0.0.0', '--port', '0', '--no-open', '--no-watch', '--allowed-host', 'myhost.lan'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, LOOM_CONFIG_API_KEY: SECRET, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      await waitUntil(() => /loaded in \d+ ms/.test(stdout), 20_000).catch(() => {
        throw new Error(`dev did not load the plugin.\nstdout:\n${stdout}\nstderr:\n${stderr}`);
      });
      const printed = [...stdout.matchAll(/http:\/\/\S+#token=[\w-]+/g)].map((m) => m[0]);
      expect(printed[0], stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/);
      expect(stdout).not.toContain('0.0.0.0:');
      expect(stderr).toContain('Warning: the dev host listens on 0.0.0.0');
      for (const url of printed) expect(await callAsPrinted(url), url).toEqual({ page: 200, models: 200 });
      const port = Number(new URL(printed[0]!).port);
      expect((await get(port, '/', { host: `myhost.lan:${port}` })).status).toBe(200);
      expect((await get(port, '/', { host: `other.lan:${port}` })).status).toBe(403);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  }, 40_000);
});
