/**
 * Runs attempts (start, reload, restart) one at a time per plugin, and plugins
 * independently of each other: a plugin that never answers must not hold back a healthy
 * one (two stuck plugins used to delay a third by a minute). Within one plugin, attempts
 * stay in order, and a key already waiting is not queued twice (a burst of saves = one
 * reload).
 */
export class SerialQueue<T> {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly waiting = new Map<string, Promise<T>>();

  run(key: string, task: () => Promise<T>): Promise<T> {
    const pending = this.waiting.get(key);
    if (pending) return pending;
    const result = (this.tails.get(key) ?? Promise.resolve()).then(() => {
      // From here on a new request for the key queues a fresh attempt (the files may
      // change again while this one runs).
      this.waiting.delete(key);
      return task();
    });
    this.waiting.set(key, result);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    // One entry per plugin at most, dropped once its last attempt is done.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Resolves when everything queued so far has finished. */
  idle(): Promise<void> {
    return Promise.all(this.tails.values()).then(() => undefined);
  }
}
