/**
 * The playground's hand calls: one of the six plugin endpoints, called on the serving
 * instance exactly as the host would call it, answered with status, timing and body (all
 * masked). `/initialize` takes the values of the page's form; a sensitive field left
 * empty keeps the value the host resolved, so the page never needs to know a secret.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody } from '../read-body.js';
import { isSensitiveField } from '../runtime/config-values.js';
import type { SecretMasker } from '../runtime/mask-secrets.js';
import { sendJson } from './http-util.js';
import type { PluginSlot } from './plugin-slot.js';
import type { HandCallName, HandCallResult } from './types.js';

export type { HandCallName, HandCallResult } from './types.js';

export const HAND_CALLS = {
  health: { method: 'GET', path: '/health' },
  metadata: { method: 'GET', path: '/metadata' },
  models: { method: 'GET', path: '/models' },
  initialize: { method: 'POST', path: '/initialize' },
  cleanup: { method: 'POST', path: '/cleanup' },
  chat: { method: 'POST', path: '/chat/completions' },
} as const satisfies Record<HandCallName, { method: string; path: string }>;

/** Loom's client waits 30 s per call; a hand call does the same. */
const HAND_CALL_TIMEOUT_MS = 30_000;

export function isHandCall(name: unknown): name is HandCallName {
  return typeof name === 'string' && Object.hasOwn(HAND_CALLS, name);
}

/** The /initialize body: the form's values, with blank sensitive fields filled from the host's config. */
export function initializeBody(slot: PluginSlot, form: Record<string, unknown>): Record<string, unknown> {
  const current = slot.configValues();
  // Spread, not assignment: a field named __proto__ stays an ordinary key.
  const body: Record<string, unknown> = { ...form };
  for (const field of slot.manifest?.metadata.config_schema ?? []) {
    const given = Object.hasOwn(body, field.name) ? body[field.name] : undefined;
    if (field.sensitive && (given === undefined || given === '') && Object.hasOwn(current, field.name)) {
      Object.defineProperty(body, field.name, { value: current[field.name], enumerable: true, writable: true, configurable: true });
    }
  }
  return body;
}

/**
 * A value typed into a sensitive field of the form is a secret from now on: the plugin
 * may echo it in its logs, health and replies, as it does with the host's own values.
 */
function rememberTypedSecrets(slot: PluginSlot, body: Record<string, unknown>, secrets: SecretMasker): void {
  for (const field of slot.manifest?.metadata.config_schema ?? []) {
    const value = Object.hasOwn(body, field.name) ? body[field.name] : undefined;
    if (!isSensitiveField(field) || value === undefined || value === null || typeof value === 'boolean' || typeof value === 'object') continue;
    secrets.add(String(value));
  }
}

export async function handCall(slot: PluginSlot, endpoint: HandCallName, body: unknown, secrets: SecretMasker): Promise<HandCallResult> {
  const { method, path } = HAND_CALLS[endpoint];
  const instance = slot.active;
  // The host sends /cleanup without a body; only /initialize and the chat carry one.
  const sent = endpoint === 'initialize' ? initializeBody(slot, (body ?? {}) as Record<string, unknown>) : endpoint === 'chat' ? (body ?? {}) : body;
  if (endpoint === 'initialize' && sent !== null && typeof sent === 'object') rememberTypedSecrets(slot, sent as Record<string, unknown>, secrets);
  const base = { endpoint, method, path, requestBody: sent === undefined ? undefined : secrets.maskJsonText(JSON.stringify(sent)) };
  if (!instance) return { ...base, status: undefined, durationMs: 0, body: '', error: 'The plugin is not serving right now.' };
  const answer = await instance.call(method, path, sent, HAND_CALL_TIMEOUT_MS);
  return {
    ...base,
    status: answer.status,
    durationMs: Math.round(answer.latencyMs * 10) / 10,
    body: secrets.maskJsonText(answer.text),
    ...(answer.error ? { error: secrets.mask(answer.error) } : {}),
  };
}

/** Request bodies of hand calls are small JSON documents typed in a form. */
const HAND_CALL_BODY_LIMIT = 1024 * 1024;

/** POST /api/plugins/:key/call with `{"endpoint": "<name>", "body"?: <JSON>}`. */
export async function handleHandCall(req: IncomingMessage, res: ServerResponse, slot: PluginSlot, secrets: SecretMasker): Promise<void> {
  let request: { endpoint?: unknown; body?: unknown };
  try {
    request = JSON.parse(await readBody(req, HAND_CALL_BODY_LIMIT)) as typeof request;
  } catch (error) {
    const message = error instanceof BodyTooLarge ? error.message : 'The request is not JSON.';
    return sendJson(res, 400, { error: message });
  }
  if (!isHandCall(request?.endpoint)) {
    return sendJson(res, 400, { error: `endpoint must be one of ${Object.keys(HAND_CALLS).join(', ')}.` });
  }
  sendJson(res, 200, secrets.maskValue(await handCall(slot, request.endpoint, request.body, secrets)));
}
