/**
 * Readiness probing: GET /health until the plugin answers with any HTTP status (it may
 * not be initialized yet, so 503 counts as "up"). node:http keeps this path free of
 * undici so a plain `startPlugin` stays light.
 */
import http from 'node:http';
import net from 'node:net';

export type ProbeResult = { ok: true; status: number } | { ok: false; reason: string };

/** One GET with a hard deadline; resolves, never rejects. */
export function probeHealth(baseUrl: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    };
    let req: http.ClientRequest;
    try {
      req = http.request(`${baseUrl}/health`, {
        method: 'GET',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', Connection: 'close' },
        agent: false,
      });
    } catch (error) {
      resolve({ ok: false, reason: (error as Error).message });
      return;
    }
    const timer = setTimeout(() => {
      finish({ ok: false, reason: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('response', (res) => {
      finish({ ok: true, status: res.statusCode ?? 0 });
      res.resume();
      req.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, reason: error.code ?? error.message }));
    req.end();
  });
}

/** True when something accepts TCP connections at host:port within timeoutMs. */
export function canConnect(host: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/**
 * When the endpoint's loopback address refuses, looks at the other loopback family to
 * tell the user where the plugin really listens (the classic `::1` vs `127.0.0.1` trap).
 */
export async function otherLoopbackListener(baseUrl: string): Promise<string | undefined> {
  const url = new URL(baseUrl);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const candidates = host === '127.0.0.1' || host === 'localhost' ? ['::1'] : host === '::1' ? ['127.0.0.1'] : [];
  for (const candidate of candidates) {
    if (await canConnect(candidate, port)) return candidate;
  }
  return undefined;
}
