/**
 * The playground's API under /api (token required, like everything but the page):
 *   GET  /api/info                      host facts (no secrets)
 *   GET  /api/plugins                   every plugin with state, metadata, health history
 *   GET  /api/plugins/:key/logs         recent stdout/stderr lines
 *   POST /api/plugins/:key/reload       reload now; answers the attempt's outcome
 *   POST /api/plugins/:key/call         call one of the six endpoints by hand (hand-calls.ts)
 *   POST /api/plugins/:key/conformance  run the suite on a second instance, NDJSON stream
 *   GET  /api/requests                  recent requests through /v1 (bodies masked)
 *   GET  /api/events                    server-sent events: state, log, health, request...
 *                                       (bounded per client and in number: event-stream.ts)
 * Everything leaving here passes through the secret mask.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SecretMasker } from '../runtime/mask-secrets.js';
import { streamConformance, type ConformanceContext } from './conformance-stream.js';
import type { EventBus } from './event-bus.js';
import { openEventStream } from './event-stream.js';
import { handleHandCall } from './hand-calls.js';
import { sendJson } from './http-util.js';
import type { PluginSlot } from './plugin-slot.js';
import type { RequestLog } from './request-log.js';
import type { AttemptInfo } from './types.js';

export interface ManagementContext {
  slots: () => PluginSlot[];
  find: (key: string) => PluginSlot | undefined;
  reload: (key: string, reason: string) => Promise<AttemptInfo | undefined>;
  requests: RequestLog;
  bus: EventBus;
  secrets: SecretMasker;
  info: () => Record<string, unknown>;
  /** Open SSE responses, so close() can end them. */
  streams: Set<ServerResponse>;
  conformance: Omit<ConformanceContext, 'secrets'>;
}

export async function handleManagement(req: IncomingMessage, res: ServerResponse, path: string, ctx: ManagementContext): Promise<void> {
  const method = req.method ?? 'GET';
  const masked = (status: number, value: unknown): void => sendJson(res, status, ctx.secrets.maskValue(value));

  if (path === '/api/info' && method === 'GET') return masked(200, ctx.info());
  if (path === '/api/plugins' && method === 'GET') return masked(200, { plugins: ctx.slots().map((slot) => slot.view()) });
  if (path === '/api/requests' && method === 'GET') return masked(200, { requests: ctx.requests.entries() });
  if (path === '/api/events' && method === 'GET') return openEventStream(req, res, ctx.bus, ctx.streams);

  const match = /^\/api\/plugins\/([^/]+)(?:\/(logs|reload|call|conformance))?$/.exec(path);
  if (match) {
    const key = decodeKey(match[1] ?? '');
    const slot = key === undefined ? undefined : ctx.find(key);
    if (!slot) return masked(404, { error: `No plugin '${key ?? match[1]}'.` });
    const action = match[2];
    if (!action && method === 'GET') return masked(200, slot.view());
    if (action === 'logs' && method === 'GET') return masked(200, { lines: slot.logs });
    if (action === 'reload' && method === 'POST') {
      const attempt = await ctx.reload(slot.key, 'api');
      return masked(200, { attempt, plugin: slot.view() });
    }
    if (action === 'call' && method === 'POST') return handleHandCall(req, res, slot, ctx.secrets);
    if (action === 'conformance' && method === 'POST') return streamConformance(req, res, slot, { ...ctx.conformance, secrets: ctx.secrets });
    return masked(405, { error: `${method} is not allowed on ${path}.` });
  }
  return masked(404, { error: `No API route ${method} ${path}.` });
}

/** A malformed escape (`%E0%A4%A`) names no plugin: a 404, not a host error. */
function decodeKey(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
