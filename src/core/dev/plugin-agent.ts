/**
 * Keep-alive agent for the chat hot path to one plugin. The socket timeout is set once
 * per socket rather than per request (cheaper): streams may pause between chunks, and
 * Loom's own limit is 30 s a call, so SILENCE_MS without a byte means the plugin hangs.
 *
 * Node's agent shortens an idle socket's timeout to the server's `Keep-Alive: timeout=N`
 * hint minus 1 s (every Node server sends timeout=5), so it drops the socket before the
 * plugin does; but a reused socket keeps that short timeout during its next request, and
 * a plugin thinking 4 s (a slow model) would be cut. A reused socket gets the silence
 * limit back for its request; idle again, the hint applies again.
 */
import { Agent, type ClientRequest } from 'node:http';
import type { Socket } from 'node:net';

export const SILENCE_MS = 120_000;

class PluginAgent extends Agent {
  constructor(private readonly silenceMs: number) {
    super({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 5000, timeout: silenceMs });
  }

  override reuseSocket(socket: Socket, request: ClientRequest): void {
    super.reuseSocket(socket, request);
    if (socket.timeout !== this.silenceMs) socket.setTimeout(this.silenceMs);
  }
}

export function createPluginAgent(silenceMs = SILENCE_MS): Agent {
  return new PluginAgent(silenceMs);
}
