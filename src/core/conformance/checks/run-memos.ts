/**
 * The request memo of a run: a result computed once and shared by the checks that read
 * it (one GET /models, one answer per provocation). Memos made beside a check waiting in
 * the background are remembered apart, so a check judged again after it meets the plugin
 * as in a run with every check in its place (see ../background-check.ts).
 */
import type { Exchange } from '../../runtime/http-client.js';

export class RunMemos {
  private readonly memos = new Map<string, Promise<unknown>>();
  /** Memos made while a check waited in the background (dropped when a check is judged again). */
  private readonly alongside = new Set<string>();

  /** The result of `make`, computed once per run; `alongside`: made beside a check in the background. */
  get<T>(key: string, make: () => Promise<T>, alongside: boolean): Promise<T> {
    let value = this.memos.get(key) as Promise<T> | undefined;
    if (!value) {
      if (alongside) this.alongside.add(key);
      value = make();
      this.memos.set(key, value);
      // A request the breaker kept unsent says nothing about the plugin: forget it, so a
      // check judged again after the breaker is reset sends it instead of reading "not sent".
      const made = value;
      void made.then(
        (result) => {
          if (keptUnsent(result) && this.memos.get(key) === made) this.memos.delete(key);
        },
        () => undefined,
      );
    }
    return value;
  }

  has(key: string): boolean {
    return this.memos.has(key);
  }

  forget(key: string): void {
    this.memos.delete(key);
  }

  /** Forgets what was memoized beside the check in the background. */
  forgetAlongside(): void {
    for (const key of this.alongside) this.memos.delete(key);
    this.alongside.clear();
  }
}

/** Whether a memoized result is (or carries) an exchange the breaker kept unsent. */
function keptUnsent(result: unknown): boolean {
  if (!result || typeof result !== 'object') return false;
  const exchange = 'exchange' in result ? (result as { exchange?: unknown }).exchange : result;
  return (exchange as Exchange | undefined)?.error?.kind === 'skipped';
}
