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
import { Client } from 'undici';

/** What Go's DefaultTransport keeps idle per host (MaxIdleConnsPerHost). */
const MAX_IDLE = 2;

export class IdleFirstPool {
  /** Idle connections, the one that went idle last at the end. */
  private readonly idle: Client[] = [];
  private readonly open = new Set<Client>();
  private readonly gone = new WeakSet<Client>();

  constructor(
    private readonly origin: string,
    private readonly options: Client.Options,
  ) {}

  /** The connection that went idle last, or a new one. Give it back with `release`. */
  acquire(): Client {
    for (let client = this.idle.pop(); client; client = this.idle.pop()) {
      if (!this.gone.has(client) && !client.closed && !client.destroyed) return client;
    }
    const client = new Client(this.origin, this.options);
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
    this.idle.push(client);
    // As Go does, keep a few idle connections and close the oldest beyond that.
    while (this.idle.length > MAX_IDLE) this.drop(this.idle.shift() as Client);
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
