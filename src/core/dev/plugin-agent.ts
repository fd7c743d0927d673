/**
 * Keep-alive agent for the chat hot path to one plugin, with no timer work per request.
 *
 * A plugin that goes silent is cut after `silenceMs` without a byte from it (streams may
 * pause between chunks, and Loom's own limit is 30 s a call, so SILENCE_MS without a byte
 * means the plugin hangs): the request then emits 'timeout', as with a socket timeout.
 * A socket timeout would be re-armed twice per request (Node clears it when the answer
 * ends and sets it again when the socket is reused), which a bare proxy does not pay; so
 * one sweep per agent, while requests are in flight, compares each busy socket's byte
 * count (kept by the socket's native handle) with the last sweep's. A silent request is
 * cut between `silenceMs` and `silenceMs` + two sweep periods.
 *
 * Idle sockets still honour the plugin's `Keep-Alive: timeout=N` hint (Node's agent
 * only applies it when an agent-wide timeout is set): they are dropped 1 s before the
 * plugin would drop them, so a request never lands on a socket the plugin is closing.
 * The idle timer stays armed while the socket is busy; Node's agent ignores its expiry
 * for a socket in use, so it costs nothing per request.
 */
import { Agent, type ClientRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export const SILENCE_MS = 120_000;

/** Node's own margin before a plugin's announced keep-alive timeout. */
const HINT_MARGIN_MS = 1000;
const HINT = /^timeout=(\d+)/;
const KEEP_ALIVE_MSECS = 5000;

/** What the last sweep saw on a busy socket. */
interface Seen {
  request: ClientRequest | undefined;
  bytes: number;
  since: number;
}

type Served = ClientRequest & { res?: IncomingMessage | null };

/** The request a socket is serving or just served (Node keeps it on the socket). */
const requestOn = (socket: Socket): Served | undefined => (socket as Socket & { _httpMessage?: Served | null })._httpMessage ?? undefined;

const baseAddRequest = (Agent.prototype as unknown as { addRequest: (request: ClientRequest, options: unknown) => void }).addRequest;

class PluginAgent extends Agent {
  private readonly periodMs: number;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly seen = new WeakMap<Socket, Seen>();

  constructor(private readonly silenceMs: number) {
    super({ keepAlive: true, maxSockets: 256, keepAliveMsecs: KEEP_ALIVE_MSECS });
    this.periodMs = Math.max(20, Math.min(1000, Math.floor(silenceMs / 8)));
  }

  /** Node calls this for every request (it is not in Node's type declarations). */
  addRequest(request: ClientRequest, options: unknown): void {
    baseAddRequest.call(this, request, options);
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), this.periodMs);
      this.sweeper.unref();
    }
  }

  override keepSocketAlive(socket: Socket): boolean {
    socket.setKeepAlive(true, KEEP_ALIVE_MSECS);
    socket.unref();
    const hint = requestOn(socket)?.res?.headers['keep-alive'];
    const seconds = typeof hint === 'string' ? HINT.exec(hint)?.[1] : undefined;
    if (seconds === undefined) return true;
    const idleMs = Number(seconds) * 1000 - HINT_MARGIN_MS;
    // Closing in a second or less: reusing the socket would race the plugin's close.
    if (idleMs <= 0) return false;
    if (socket.timeout !== idleMs) socket.setTimeout(idleMs);
    return true;
  }

  override destroy(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    super.destroy();
  }

  private sweep(): void {
    const now = performance.now();
    let busy = 0;
    for (const list of Object.values(this.sockets)) {
      for (const socket of list ?? []) {
        const request = requestOn(socket);
        if (!request) continue;
        busy += 1;
        const bytes = socket.bytesRead;
        const last = this.seen.get(socket);
        if (!last || last.request !== request || last.bytes !== bytes) {
          this.seen.set(socket, { request, bytes, since: now });
        } else if (now - last.since >= this.silenceMs) {
          last.since = Infinity; // one 'timeout' per silence
          request.emit('timeout');
        }
      }
    }
    // Nothing in flight: no sweep until the next request.
    if (busy === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}

export function createPluginAgent(silenceMs = SILENCE_MS): Agent {
  return new PluginAgent(silenceMs);
}
