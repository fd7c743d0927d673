/**
 * A check that only waits (errors.timeout holds a hung upstream request for the plugin's
 * whole timeout) need not hold up the checks after it. Once the checks named in its
 * catalogue entry (CheckInfo.background) passed, it starts in the background:
 *
 *   1. it re-initializes the plugin and sends its request, while nothing else runs;
 *   2. once the mock holds that request, the runner sends one ordinary chat (the probe);
 *   3. answered while the hang is still held: the plugin serves requests side by side,
 *      and the checks after the launch point go on meanwhile; otherwise (a plugin that
 *      serves one request at a time, or one that failed the probe) the runner waits for
 *      the check to end first, and every later check runs after it, one at a time.
 *
 * Its result keeps its catalogue place: the runner takes it when its turn comes. Checks
 * in the foreground that would change the plugin's state (/initialize, /cleanup) wait for
 * it to end first (SuiteContext.quiet), and no foreground check starts when the plugin's
 * own timeout is about to fire: a plugin that crashes on its timeout then crashes
 * between checks, as it did when the check ran in its place.
 */
import type { SuiteContext } from './checks/context.js';
import type { CheckInfo, CheckResult } from './types.js';

export type TimedVerdict = Pick<CheckResult, 'status' | 'message' | 'expected' | 'details' | 'exchange' | 'blockedBy' | 'schemaErrors'> & { durationMs: number };

/** No foreground check starts closer than this to the end of the plugin's own timeout. */
const DEADLINE_MARGIN_MS = 300;

export interface BackgroundOptions {
  checks: readonly CheckInfo[];
  ctx: SuiteContext;
  /** Off under --bail (a stop at the first failure must not leave a wait running). */
  enabled: boolean;
  judge(ctx: SuiteContext, check: CheckInfo): Promise<TimedVerdict>;
  /** One ordinary chat: true when the plugin answered it with 200. */
  probe(): Promise<boolean>;
  onBackground?: (check: CheckInfo | undefined) => void;
}

export class BackgroundChecks {
  private readonly started = new Map<string, Promise<TimedVerdict>>();
  private current: Promise<void> | undefined;
  private deadline = Number.POSITIVE_INFINITY;

  constructor(private readonly options: BackgroundOptions) {}

  /** The verdict of a check that was started in the background, if it was. */
  take(id: string): Promise<TimedVerdict> | undefined {
    return this.started.get(id);
  }

  /** Before a foreground check: wait for the background one when its timeout is near. */
  async beforeCheck(): Promise<void> {
    if (this.current && performance.now() >= this.deadline) await this.current;
  }

  /** After each result: start every check whose evidence is now complete. */
  async afterResult(results: ReadonlyMap<string, CheckResult>): Promise<void> {
    if (!this.options.enabled) return;
    for (const check of this.options.checks) {
      if (!check.background || this.started.has(check.id) || results.has(check.id)) continue;
      const evidence = [...check.background, ...(check.requires ?? [])];
      if (!check.background.every((id) => results.get(id)?.status === 'pass')) continue;
      if (evidence.some((id) => ['fail', 'blocked'].includes(results.get(id)?.status ?? ''))) continue;
      await this.current;
      await this.launch(check);
    }
  }

  private async launch(check: CheckInfo): Promise<void> {
    const { ctx } = this.options;
    const background = ctx.forCheck(true);
    const waiting = new Promise<number>((resolve) => (background.onWaiting = resolve));
    const verdict = this.options.judge(background, check);
    this.started.set(check.id, verdict);
    const settled = verdict.then(
      () => undefined,
      () => undefined, // an abort: the runner meets it when it takes the verdict
    );
    this.current = settled;
    ctx.holdBackground(settled);
    this.options.onBackground?.(check);
    void settled.then(() => {
      if (this.current === settled) this.current = undefined;
      this.options.onBackground?.(undefined);
    });
    const expectedMs = await Promise.race([waiting, settled.then(() => undefined)]);
    if (expectedMs === undefined) return;
    const waitingSince = performance.now();
    const probe = this.options.probe().catch(() => false);
    const served = await Promise.race([probe, settled.then(() => false)]);
    if (served) {
      this.deadline = waitingSince + expectedMs - DEADLINE_MARGIN_MS;
      return;
    }
    await Promise.all([settled, probe]);
  }
}
