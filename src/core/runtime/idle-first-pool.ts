/**
 * Connections to one plugin, handed out the way Go's net/http Transport (the Loom host's
 * client) hands them out: a request takes the connection that went idle last, and only
 * when none is idle does it open a new one.
 *
 * undici's own Pool takes the first connection of its list that is not busy, even one
 * that has closed, while a newer one sits idle. A plugin that serves one connection at a
 * time (Python's plain `HTTPServer` with HTTP/1.1 keep-alive) stays on the idle one until
 * it closes, so every request would wait for a keep-alive timeout where the host's is
 * answered at once. One undici Client per connection lets us choose.
 */
import type { Socket } from 'node:net';
import { Client, buildConnector } from 'undici';

/**
 * Where a request on a reused connection starts: its socket and what had been read from
 * it. Go retries such a request when the connection ends before any byte of the answer.
 */
export interface ReuseMark {
  readonly client: Client;
  readonly socket: Socket;
  readonly bytesRead: number;
}

/** What Go's DefaultTransport keeps idle per host (MaxIdleConnsPerHost). */
const MAX_IDLE = 2;

export class IdleFirstPool {
  /** Idle connections, the one that went idle last at the end. */
  private readonly idle: Client[] = [];
  private readonly open = new Set<Client>();
  private readonly gone = new WeakSet<Client>();
  /** Connections that went idle after a request (Go's isReused), with their socket. */
  private readonly reused = new WeakSet<Client>();
  private readonly sockets = new WeakMap<Client, Socket>();

  constructor(
    private readonly origin: string,
    private readonly options: Client.Options,
  ) {}

  /** The connection that went idle last, or a new one. Give it back with `release`. */
  acquire(): Client {
    for (let client = this.idle.pop(); client; client = this.idle.pop()) {
      if (!this.gone.has(client) && !client.closed && !client.destroyed) return client;
    }
    const connector = buildConnector({ timeout: this.options.connectTimeout ?? undefined });
    const client: Client = new Client(this.origin, {
      ...this.options,
      // The socket is kept to tell, after a failure, whether any answer came on it.
      connect: (options, callback) =>
        connector(options, (...result) => {
          if (result[0] === null) this.sockets.set(client, result[1]);
          callback(...result);
        }),
    });
    this.open.add(client);
    // Closed by the plugin, by a timeout or by a cut body: never handed out again.
    client.on('disconnect', () => this.drop(client));
    client.on('connectionError', () => this.drop(client));
    return client;
  }

  /** The request on `client` ended: idle now, unless its connection is gone or not `reusable`. */
  release(client: Client, reusable: boolean): void {
    if (!reusable) return this.drop(client);
    if (this.gone.has(client) || client.closed || client.destroyed) return;
    this.reused.add(client);
    // As Go's tryPutIdleConn: with the idle list full, the connection given back is closed.
    if (this.idle.length >= MAX_IDLE) return this.drop(client);
    this.idle.push(client);
  }

  /** Where a request on `client` starts, when its connection served one before. */
  reuseMark(client: Client): ReuseMark | undefined {
    const socket = this.sockets.get(client);
    if (!this.reused.has(client) || !socket || socket.destroyed) return undefined;
    return { client, socket, bytesRead: socket.bytesRead };
  }

  /** Whether the request begun at `mark` went on that same socket and got no byte back. */
  nothingAnswered(mark: ReuseMark | undefined): boolean {
    return mark !== undefined && this.sockets.get(mark.client) === mark.socket && mark.socket.bytesRead === mark.bytesRead;
  }

  async destroy(): Promise<void> {
    const clients = [...this.open];
    this.open.clear();
    this.idle.length = 0;
    await Promise.all(clients.map((client) => client.destroy().catch(() => undefined)));
  }

  private drop(client: Client): void {
    if (this.gone.has(client)) return;
    this.gone.add(client);
    this.open.delete(client);
    const at = this.idle.indexOf(client);
    if (at >= 0) this.idle.splice(at, 1);
    void client.close().catch(() => undefined);
  }
}
