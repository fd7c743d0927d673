/**
 * Fan-out of dev host events with masking at the door: every event is masked once,
 * here, before any listener (terminal, SSE stream, tests) sees it. A bounded backlog lets
 * a page that connects late replay recent logs and state changes.
 */
import type { SecretMasker } from '../runtime/mask-secrets.js';
import type { DevEvent, StampedEvent } from './types.js';

export class EventBus {
  private seq = 0;
  private readonly listeners = new Set<(event: StampedEvent) => void>();
  private readonly backlog: StampedEvent[] = [];

  constructor(private readonly secrets: SecretMasker, private readonly backlogSize = 500) {}

  emit(event: DevEvent): void {
    const seq = ++this.seq;
    const time = Date.now();
    // Request entries come masked from the request log (one per request: built as a
    // literal, as spreading events of many shapes is slow); everything else is masked here.
    const stamped: StampedEvent =
      event.type === 'request' ? { type: 'request', entry: event.entry, seq, time } : this.secrets.maskValue({ ...event, seq, time } as StampedEvent);
    // Request events are kept out of the backlog: the request log already holds them.
    if (stamped.type !== 'request') {
      this.backlog.push(stamped);
      if (this.backlog.length > this.backlogSize) this.backlog.shift();
    }
    for (const listener of this.listeners) {
      try {
        listener(stamped);
      } catch {
        // A broken listener (closed socket) must not stop the others.
      }
    }
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  recent(): StampedEvent[] {
    return [...this.backlog];
  }

  subscribe(listener: (event: StampedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
