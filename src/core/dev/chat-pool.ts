/**
 * Settings of the connection pool the chat hot path uses to reach one plugin. The door
 * drives it through undici's dispatch handler (chat-forward.ts): no stream objects, no
 * promise and no timer of its own per request, which measured about a third cheaper per
 * request than node:http's client on this short hop (bench/dev.mjs).
 *
 * A plugin that goes silent is cut after `silenceMs` without a byte from it: streams may
 * pause between chunks, and Loom's own limit is 30 s a call, so SILENCE_MS without a
 * byte means the plugin hangs. undici measures that as the wait for the answer's headers
 * and then as the gap between body chunks, per request, on a shared coarse clock; not
 * while the host itself holds the plugin back because a client reads slowly.
 *
 * An idle connection is closed a second before the plugin's announced
 * `Keep-Alive: timeout=N`, so a request never lands on a connection the plugin is
 * closing; a connection in use is never cut by that idle limit, however long the plugin
 * thinks (only silence cuts it).
 */
import type { Pool } from 'undici';

export const SILENCE_MS = 120_000;

/** Connections to one plugin at most: chat streams hold one for their whole length. */
export const CHAT_CONNECTIONS = 256;

export function chatPoolOptions(silenceMs = SILENCE_MS): Pool.Options {
  return {
    connections: CHAT_CONNECTIONS,
    pipelining: 1,
    headersTimeout: silenceMs,
    bodyTimeout: silenceMs,
    keepAliveTimeoutThreshold: 1000,
  };
}

/** Whether an error from the pool is the silence limit (not a refused or reset connection). */
export function isSilence(error: Error): boolean {
  const code = (error as Error & { code?: string }).code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}
