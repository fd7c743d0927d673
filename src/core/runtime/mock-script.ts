/**
 * What the mock upstream does to each chat request: the fault scripted for it, or 'ok'.
 *
 * Faults are scripted per request: a check puts a marker (`markerText(id)`) into the text
 * of the chat it sends, the plugin forwards the text, and the mock plays the fault
 * scripted for that marker to that request and to the plugin's retries of it. Two checks
 * in flight at once (the suite runs its one pure wait, the upstream timeout, alongside
 * other checks) therefore cannot take each other's faults. A marked script can also be
 * given to requests that carry no marker at all (`unmarked`), for plugins that rewrite
 * the text they forward; only a check that runs alone uses that. `next()` is the plain
 * queue for callers that send one request at a time (tests, tools).
 */
import type { CommonChat, MockFault } from './dialects/types.js';

export interface ScriptStep {
  fault: MockFault;
  retryAfterSeconds: number;
}

interface MarkedScript extends ScriptStep {
  /** Requests it still applies to (the first one and the plugin's retries). */
  remaining: number;
}

const MARKER = /\[loom-plugin-test case ([a-z0-9-]+)\]/;

/** The text a check puts into a chat message so the mock knows which script is its. */
export function markerText(id: string): string {
  return `[loom-plugin-test case ${id}]`;
}

/** The marker id a chat carries (in its system prompt or any message), if any. */
export function markerOf(chat: CommonChat): string | undefined {
  for (const text of [chat.system ?? '', ...chat.messages.map((message) => message.content)]) {
    const found = MARKER.exec(text);
    if (found) return found[1];
  }
  return undefined;
}

export class FaultScript {
  private readonly queue: ScriptStep[] = [];
  private readonly marked = new Map<string, MarkedScript>();
  private readonly watchers = new Map<string, (() => void)[]>();
  private readonly seenMarkers = new Set<string>();
  private unmarkedFrom: string | undefined;

  /** Queues `fault` for the next `times` chat requests that carry no scripted marker. */
  next(step: ScriptStep, times: number): void {
    for (let i = 0; i < times; i += 1) this.queue.push({ ...step });
  }

  /** Scripts `fault` for the next `times` requests carrying marker `id`. */
  mark(id: string, step: ScriptStep, options: { times: number; unmarked?: boolean }): void {
    this.marked.set(id, { ...step, remaining: options.times });
    if (options.unmarked) this.unmarkedFrom = id;
  }

  /** Ends a marked script (its check is done); its marker's requests are 'ok' from now on. */
  unmark(id: string): void {
    this.marked.delete(id);
    this.watchers.delete(id);
    this.seenMarkers.delete(id);
    if (this.unmarkedFrom === id) this.unmarkedFrom = undefined;
  }

  /** Resolves once a request carrying marker `id` arrived (at once if one did). */
  seen(id: string): Promise<void> {
    if (this.seenMarkers.has(id)) return Promise.resolve();
    return new Promise((resolve) => this.watchers.set(id, [...(this.watchers.get(id) ?? []), resolve]));
  }

  /** Forgets the queue and the stand-in for unmarked requests; marked scripts stay with their checks. */
  clearQueue(): void {
    this.queue.length = 0;
    this.unmarkedFrom = undefined;
  }

  /** The step for one chat request, given the marker it carried (if any). */
  pick(marker: string | undefined): ScriptStep {
    if (marker !== undefined) this.noteSeen(marker);
    const script = this.marked.get(marker ?? this.unmarkedFrom ?? '');
    if (script) {
      if (script.remaining <= 0) return { fault: 'ok', retryAfterSeconds: script.retryAfterSeconds };
      script.remaining -= 1;
      return script;
    }
    return this.queue.shift() ?? { fault: 'ok', retryAfterSeconds: 7 };
  }

  private noteSeen(id: string): void {
    this.seenMarkers.add(id);
    for (const resolve of this.watchers.get(id) ?? []) resolve();
    this.watchers.delete(id);
  }
}
