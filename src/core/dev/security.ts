/**
 * Request guards of the dev host. The host drives local processes and holds API keys, so
 * any web page the developer visits must not be able to reach it:
 *  - DNS rebinding: a foreign name resolving to 127.0.0.1 still sends its own `Host`;
 *    only IP literals, `localhost` and names allowed with --allowed-host pass.
 *  - CSRF: browsers send `Origin` on cross-site requests; a present, foreign Origin fails.
 *  - Everything under /v1 and /api needs `Authorization: Bearer <token>`, which a foreign
 *    page cannot know and a browser never adds on its own.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP, isIPv6 } from 'node:net';

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

export function isLoopbackAddress(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

/**
 * Which `Host` values a request may carry. DNS rebinding needs a *name* the attacker
 * controls, so an IP literal can never be one: every IP literal passes (the machine's
 * addresses change with Wi-Fi, VPN and DHCP, and behind NAT or a container's port mapping
 * the client names another one), as does `localhost`. Other names pass only when the
 * developer allowed them (`--allowed-host`), as Vite's `server.allowedHosts` and
 * webpack-dev-server's `allowedHosts` do. The port is not compared: it proves nothing
 * against rebinding and differs behind a port mapping (`docker -p 8080:4477`, `ssh -L`).
 */
export interface HostRules {
  /** `name:port` of this host as printed and as loopback names: pass at once, and as an Origin. */
  own: Set<string>;
  /** Names allowed with --allowed-host; a leading dot allows the name and its subdomains. */
  names: string[];
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** `urlHosts` are the hosts of the URLs this dev host prints (`192.168.1.20`, `[fd00::1]`). */
export function hostRules(port: number, urlHosts: string[], names: string[] = []): HostRules {
  const own = new Set([...LOOPBACK_NAMES, ...urlHosts].map((name) => `${name}:${port}`));
  return { own, names: names.map((name) => name.toLowerCase()) };
}

/** `name:port` with the port spelled out (80 when absent) and IPv6 in brackets, or undefined when malformed. */
function normalHost(value: string, defaultPort = '80'): { name: string; key: string } | undefined {
  const match = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(value);
  if (!match) return undefined;
  const [, v6, other, port = defaultPort] = match;
  if (v6 !== undefined && isIPv6(v6) === false) return undefined;
  const name = v6 ?? other!;
  return { name, key: `${v6 !== undefined ? `[${v6}]` : name}:${Number(port)}` };
}

function nameAllowed(name: string, rules: HostRules): boolean {
  if (isIP(name) !== 0 || name === 'localhost') return true;
  return rules.names.some((allowed) => (allowed.startsWith('.') ? name === allowed.slice(1) || name.endsWith(allowed) : name === allowed));
}

export function isHostAllowed(host: string, rules: HostRules): boolean {
  if (rules.own.has(host)) return true;
  const parsed = normalHost(host);
  return parsed !== undefined && nameAllowed(parsed.name, rules);
}

/**
 * Why a name given with --allowed-host cannot be used, or undefined. A bare top-level
 * domain as a wildcard (`.com`) would allow every name anyone can register, which is
 * exactly what DNS rebinding needs.
 */
export function allowedHostProblem(name: string): string | undefined {
  if (!/^\.?[a-z0-9_-]+(\.[a-z0-9_-]+)*$/i.test(name)) return 'is not a host name (no scheme, port, path or "*"; a leading "." allows the subdomains)';
  if (name.startsWith('.') && !name.slice(1).includes('.')) return 'would allow every name under a top-level domain';
  return undefined;
}

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403; message: string };

export function checkHostAndOrigin(req: IncomingMessage, rules: HostRules): GuardVerdict {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!isHostAllowed(host, rules)) {
    return {
      ok: false,
      status: 403,
      message: `Host header '${host}' is not allowed: call this dev host by an IP address or localhost, or start it with --allowed-host <name> to allow a host name.`,
    };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !originAllowed(origin, host, rules)) {
    return { ok: false, status: 403, message: `Origin '${origin}' is not allowed.` };
  }
  return { ok: true };
}

/**
 * A page may call this host from its own origin (the request's Host) or from one of the
 * printed/loopback ones. Its own origin may be https: behind a tunnel or TLS proxy
 * (`https://abc.ngrok-free.app`) the Host is the public name, already allowed, and
 * browsers send Origin on same-origin POSTs; both sides then default to port 443.
 */
function originAllowed(origin: string, host: string, rules: HostRules): boolean {
  let originHost: string;
  let protocol: string;
  try {
    const parsed = new URL(origin);
    protocol = parsed.protocol;
    originHost = parsed.host.toLowerCase();
  } catch {
    return false;
  }
  if (protocol === 'https:') {
    const key = normalHost(originHost, '443')?.key;
    return key !== undefined && key === normalHost(host, '443')?.key;
  }
  if (protocol !== 'http:') return false;
  const key = normalHost(originHost)?.key;
  return key !== undefined && (key === normalHost(host)?.key || rules.own.has(key));
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
