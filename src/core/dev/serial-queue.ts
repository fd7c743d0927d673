/**
 * Runs reload attempts one at a time, across all plugins: starting two processes of big
 * plugins at once on a laptop makes both slow, and serial attempts keep the terminal
 * readable. A key already waiting is not queued twice (a burst of saves = one reload).
 */
export class SerialQueue<T> {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly waiting = new Map<string, Promise<T>>();

  run(key: string, task: () => Promise<T>): Promise<T> {
    const pending = this.waiting.get(key);
    if (pending) return pending;
    const result = this.tail.then(() => {
      // From here on a new request for the key queues a fresh attempt (the files may
      // change again while this one runs).
      this.waiting.delete(key);
      return task();
    });
    this.waiting.set(key, result);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when everything queued so far has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
