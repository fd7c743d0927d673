/**
 * Which request a plugin died on. A plugin that exits mid-run resets the request it was
 * serving, and every request after that is refused: the first request left unanswered
 * since the last answer (or, when the exit is noticed first, the oldest one in flight)
 * is the one that killed it. The run names it as the root cause of a crash, instead of
 * the refused request that happened to come next.
 */
export interface TrailEntry {
  /** `POST /cleanup`. */
  request: string;
  /** Sent by the runner to bring the plugin to the state a check needs, not by the check. */
  preparing: boolean;
  /** Sent by the check waiting in the background. */
  inBackground: boolean;
  /** The check it was sent for (filled in by the trail). */
  check?: string;
}

export class RequestTrail {
  private readonly inFlight = new Map<number, TrailEntry>();
  private next = 0;
  private unanswered: TrailEntry | undefined;
  /** The check whose turn it is, and the one waiting in the background (the runner keeps them). */
  current: string | undefined;
  background: string | undefined;

  sent(entry: TrailEntry): number {
    this.next += 1;
    const check = entry.inBackground ? this.background : this.current;
    this.inFlight.set(this.next, { ...entry, ...(check ? { check } : {}) });
    return this.next;
  }

  ended(token: number, answered: boolean): void {
    const entry = this.inFlight.get(token);
    this.inFlight.delete(token);
    if (answered) this.unanswered = undefined;
    else if (entry && !this.unanswered) this.unanswered = entry;
  }

  /** The request the plugin most likely died on, when it exits now. */
  culprit(): TrailEntry | undefined {
    return this.unanswered ?? this.inFlight.values().next().value;
  }
}

/** The check that exercises a request the runner sends while preparing (replayed alone, it reproduces the crash). */
export function checkFor(request: string): string | undefined {
  if (request === 'POST /cleanup') return 'lifecycle.cleanup';
  if (request === 'POST /initialize') return 'lifecycle.initialize';
  return undefined;
}
