/**
 * Request guards of the dev host. The host drives local processes and holds API keys, so
 * any web page the developer visits must not be able to reach it:
 *  - DNS rebinding: a foreign name resolving to 127.0.0.1 still sends its own `Host`;
 *    only loopback names (or the address given with --host) with our port pass.
 *  - CSRF: browsers send `Origin` on cross-site requests; a present, foreign Origin fails.
 *  - Everything under /v1 and /api needs `Authorization: Bearer <token>`, which a foreign
 *    page cannot know and a browser never adds on its own.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Shortest token a developer may choose: shorter ones are guessable by any local page. */
export const MIN_TOKEN_LENGTH = 8;

/**
 * Why a chosen --token cannot work, or undefined. It travels in an `Authorization: Bearer`
 * header and in the page URL, so only URL-safe characters are usable; an empty token
 * would start a host no client can call.
 */
export function tokenProblem(token: string): string | undefined {
  if (token.trim() === '') return 'is empty';
  if (!/^[A-Za-z0-9._~-]+$/.test(token)) return 'may only hold letters, digits and . _ ~ -';
  if (token.length < MIN_TOKEN_LENGTH) return `is shorter than ${MIN_TOKEN_LENGTH} characters`;
  return undefined;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function isLoopbackAddress(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * The `host:port` values a request may name in `Host`. Bound to a wildcard (0.0.0.0, ::),
 * the host is reached by this machine's own addresses, so those are allowed; still no
 * foreign name, which is what DNS rebinding needs.
 */
export function allowedHosts(bindHost: string, port: number, interfaceAddresses: () => string[] = localAddresses): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  const extra = WILDCARDS.has(bindHost) ? interfaceAddresses() : isLoopbackAddress(bindHost) ? [] : [bindHost];
  for (const address of extra) names.add(address.includes(':') && !address.startsWith('[') ? `[${address}]` : address);
  return new Set([...names].map((name) => `${name}:${port}`));
}

function localAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((info) => info.address));
}

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403; message: string };

export function checkHostAndOrigin(req: IncomingMessage, allowed: Set<string>): GuardVerdict {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowed.has(host)) {
    return { ok: false, status: 403, message: `Host header '${host}' is not allowed (only the loopback address of this dev host).` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost: string | undefined;
    try {
      const parsed = new URL(origin);
      originHost = parsed.protocol === 'http:' ? parsed.host.toLowerCase() : undefined;
    } catch {
      originHost = undefined;
    }
    if (!originHost || !allowed.has(originHost)) {
      return { ok: false, status: 403, message: `Origin '${origin}' is not allowed.` };
    }
  }
  return { ok: true };
}

export function checkToken(req: IncomingMessage, token: string): GuardVerdict {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (match?.[1] && safeEqual(match[1], token)) return { ok: true };
  return { ok: false, status: 401, message: 'Missing or wrong token: send Authorization: Bearer <token> (printed when the dev host started).' };
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
