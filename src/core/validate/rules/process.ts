/**
 * How the host reaches and starts the plugin: plugin type, endpoint URL, auto_start and
 * command, and whether the endpoint port agrees with env.PORT and `--port` in args.
 * Endpoint values are never echoed: a URL can carry credentials.
 */
import { isRecord, type Rule, type RuleContext } from '../rule-context.js';
import { checkCommandScript } from './command-script.js';

function reportTrailingSlash(ctx: RuleContext, endpoint: string): void {
  const path = ['endpoint'];
  ctx.report({ path, rule: 'endpoint/trailing-slash', message: 'endpoint ends with "/"; the host appends paths such as "/metadata" and would request "//metadata".', hint: 'Remove the trailing slash.', fix: { kind: 'set', path, value: endpoint.replace(/\/+$/, '') } });
}

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
/**
 * The endpoint almost every manifest has: http(s), a host name whose last label starts
 * with a letter (never read as an IPv4 address) and holds no punycode (`xn--`, which URL
 * decodes and may refuse), or a dotted-quad address, a port, and a plain path. URL
 * accepts every such string with that port and no query or fragment.
 */
const COMMON_ENDPOINT = new RegExp(`^https?://(?!.*xn--)(?:(?:[a-z0-9-]+\\.)*[a-z][a-z0-9-]*|(?:${OCTET}\\.){3}${OCTET}):([0-9]{1,5})(?:/[a-z0-9._~-]*)*$`, 'i');

/** The port of a COMMON_ENDPOINT (undefined for any other string), as checkEndpointByUrl returns it. */
export function commonEndpointPort(endpoint: string): number | undefined {
  const match = COMMON_ENDPOINT.exec(endpoint);
  const port = match ? Number(match[1]) : NaN;
  return port <= 65535 ? port : undefined;
}

/**
 * The endpoint's findings and its port. A common endpoint is settled without URL, which
 * was the largest part of checking a small manifest's rules (1,000 files, 1,000 URLs and
 * their getters); its only possible finding is the trailing slash.
 */
export function checkEndpoint(ctx: RuleContext, endpoint: string): number | undefined {
  const port = commonEndpointPort(endpoint);
  if (port === undefined) return checkEndpointByUrl(ctx, endpoint);
  if (endpoint.endsWith('/')) reportTrailingSlash(ctx, endpoint);
  return port;
}

/** checkEndpoint without its shortcut, through WHATWG URL: what the shortcut must agree with (tests compare both). */
export function checkEndpointByUrl(ctx: RuleContext, endpoint: string): number | undefined {
  const path = ['endpoint'];
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    ctx.report({ path, rule: 'endpoint/invalid-url', message: 'endpoint is not a valid URL.', hint: 'Use the URL the plugin listens on, e.g. http://127.0.0.1:8090.' });
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.report({ path, rule: 'endpoint/invalid-url', message: `endpoint must be an http:// or https:// URL, not ${url.protocol.replace(/:$/, '')}://.`, hint: 'Use the URL the plugin listens on, e.g. http://127.0.0.1:8090.' });
    return undefined;
  }
  if (url.hostname === '') {
    ctx.report({ path, rule: 'endpoint/invalid-url', message: 'endpoint has no host.', hint: 'Use e.g. http://127.0.0.1:8090.' });
    return undefined;
  }
  if (/\/$/.test(endpoint) && !url.search && !url.hash) reportTrailingSlash(ctx, endpoint);
  if (url.port === '') {
    // WHATWG URL drops a port equal to the scheme's default; tell that apart from no port.
    const explicitDefault = /^[a-z]+:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)/i.exec(endpoint);
    if (explicitDefault) return Number(explicitDefault[1]);
    ctx.report({ path, rule: 'endpoint/no-port', message: `endpoint has no port, so ${url.protocol === 'https:' ? '443' : '80'} is implied.`, hint: 'Write the port the plugin listens on, e.g. http://127.0.0.1:8090.' });
    return url.protocol === 'https:' ? 443 : 80;
  }
  return Number(url.port);
}

function portFromArgs(args: unknown[]): { index: number; port: string } | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg !== 'string') continue;
    if (arg === '--port' && i + 1 < args.length) {
      const next = args[i + 1];
      if (typeof next === 'string' || typeof next === 'number') return { index: i + 1, port: String(next) };
    }
    const inline = /^--port=(.*)$/.exec(arg);
    if (inline) return { index: i, port: inline[1] ?? '' };
  }
  return undefined;
}

export const processRules: Rule = (ctx) => {
  const { data } = ctx;
  if (data.type === 'grpc' || data.type === 'builtin') {
    ctx.report({ path: ['type'], rule: 'type/not-loaded', message: `type "${data.type}" is reserved; the Loom host loads only http plugins.`, hint: 'Use type: http.' });
  }
  if (data.auto_start === false) {
    ctx.report({ path: ['auto_start'], rule: 'auto-start/disabled', message: 'auto_start is false: the host will not load this plugin.', hint: 'Set auto_start: true.' });
  } else if (!('auto_start' in data)) {
    ctx.report({ path: [], rule: 'auto-start/disabled', message: 'auto_start is not set: the host loads only manifests with auto_start: true.', hint: 'Add auto_start: true.', fix: { kind: 'set', path: ['auto_start'], value: true } });
  }
  if (data.auto_start === true && (data.command === undefined || data.command === null)) {
    ctx.report({ path: ['auto_start'], at: 'key', rule: 'command/missing', message: 'auto_start is true but there is no command: nothing will start the plugin process.', hint: 'Add command (and args), e.g. command: python3 with args: [plugin.py]; or run the plugin yourself.' });
  }
  if (typeof data.command === 'string') checkCommandScript(ctx, data.command);

  const endpointPort = typeof data.endpoint === 'string' ? checkEndpoint(ctx, data.endpoint) : undefined;
  const env = isRecord(data.env) ? data.env : undefined;
  const envPort = env && (typeof env.PORT === 'string' || typeof env.PORT === 'number') ? String(env.PORT).trim() : undefined;
  const argsPort = Array.isArray(data.args) ? portFromArgs(data.args) : undefined;
  if (endpointPort !== undefined) {
    if (envPort !== undefined && envPort !== String(endpointPort)) {
      ctx.report({ path: ['env', 'PORT'], rule: 'ports/mismatch', message: `env.PORT is ${envPort} but the endpoint uses port ${endpointPort}.`, hint: 'Use the same port in both, or the host will call a port nobody listens on.' });
    }
    if (argsPort && argsPort.port !== String(endpointPort)) {
      ctx.report({ path: ['args', argsPort.index], rule: 'ports/mismatch', message: `args pass --port ${argsPort.port} but the endpoint uses port ${endpointPort}.`, hint: 'Use the same port in both.' });
    }
  } else if (envPort !== undefined && argsPort && argsPort.port !== envPort) {
    ctx.report({ path: ['args', argsPort.index], rule: 'ports/mismatch', message: `args pass --port ${argsPort.port} but env.PORT is ${envPort}.`, hint: 'Use the same port in both.' });
  }
};
