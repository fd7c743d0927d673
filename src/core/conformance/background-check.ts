/**
 * A check that only waits (errors.timeout holds a hung upstream request for the plugin's
 * whole timeout) need not hold up the checks after it. Once the checks named in its
 * catalogue entry (CheckInfo.background) passed:
 *
 *   1. the runner asks whether the plugin serves requests side by side: a chat the mock
 *      holds back a moment, and once the mock holds it, an ordinary one. A plugin that
 *      answers the second first does; one that serves one request at a time does not, and
 *      then the check runs in its catalogue place, as if nothing had been tried;
 *   2. the check starts in the background: it re-initializes the plugin and sends its
 *      request while nothing else runs, and once the mock holds that request, the checks
 *      after the launch point go on meanwhile.
 *
 * Its result keeps its catalogue place: the runner takes it when its turn comes. Checks
 * in the foreground that would change the plugin's state (/initialize, /cleanup) wait for
 * it to end first (SuiteContext.quiet).
 *
 * The checks that go on meanwhile must be done before the plugin's own timeout fires: they
 * run with that short timeout, and a plugin that dies on its timeout must die after them,
 * as it did with the check in its place. So it starts early only when the checks so far
 * took less than half that timeout: on a slow machine, or with a slow plugin, it stays in
 * its place.
 */
import type { SuiteContext } from './checks/context.js';
import type { CheckInfo, CheckResult } from './types.js';

/** started; then alongside (the next checks go on meanwhile) or alone (they wait); ended. */
export type BackgroundState = 'started' | 'alongside' | 'alone' | 'ended';

export type TimedVerdict = Pick<CheckResult, 'status' | 'message' | 'expected' | 'details' | 'exchange' | 'blockedBy' | 'schemaErrors'> & { durationMs: number };

export interface BackgroundOptions {
  checks: readonly CheckInfo[];
  ctx: SuiteContext;
  /** Off under --bail (a stop at the first failure must not leave a wait running). */
  enabled: boolean;
  judge(ctx: SuiteContext, check: CheckInfo): Promise<TimedVerdict>;
  /** How long the check holds the plugin (CheckImpl.waitMs); undefined: it cannot wait. */
  waitMs(check: CheckInfo): number | undefined;
  onBackground?: (check: CheckInfo, state: BackgroundState) => void;
  /** Ctrl+C: stop asking, so the runner meets the abort at once. */
  signal?: AbortSignal;
}

export class BackgroundChecks {
  private readonly started = new Map<string, Promise<TimedVerdict>>();
  /** Checks that stay in their place: the checks so far were slow, or the plugin serves one request at a time. */
  private readonly declined = new Set<string>();
  private current: Promise<void> | undefined;
  private readonly checksFrom = performance.now();

  constructor(private readonly options: BackgroundOptions) {}

  /**
   * Judges a check in the foreground. One judged while the check in the background waits
   * meets the plugin at its shortest timeout and with one request held: a plugin may count
   * its retries and waits against that timeout (and answer `timeout` where it would answer
   * rate_limit_exceeded), or shed a request over its limit of requests in flight. A failure
   * is therefore judged again, in place, once the background check ended, as the run with
   * every check in its place would judge it. A pass needs no second look, nor does a skip
   * (a capability the manifest does not declare: waiting for it would end the overlap for
   * every plugin without streaming), and the cost falls on failing runs only.
   */
  async judgeInForeground(check: CheckInfo): Promise<TimedVerdict> {
    const { ctx, judge } = this.options;
    const alongside = ctx.backgroundRunning;
    const first = await judge(ctx.forCheck(), check);
    if (!alongside || first.status !== 'fail') return first;
    await ctx.afterBackground();
    const again = await judge(ctx.forCheck(), check);
    return { ...again, durationMs: Math.round((first.durationMs + again.durationMs) * 10) / 10 };
  }

  /** The verdict of a check that was started in the background, if it was. */
  take(id: string): Promise<TimedVerdict> | undefined {
    return this.started.get(id);
  }

  /** After each result: start every check whose evidence is now complete. */
  async afterResult(results: ReadonlyMap<string, CheckResult>): Promise<void> {
    if (!this.options.enabled) return;
    for (const check of this.options.checks) {
      if (!check.background || this.started.has(check.id) || this.declined.has(check.id) || results.has(check.id)) continue;
      if (!check.background.every((id) => results.get(id)?.status === 'pass')) continue;
      if ((check.requires ?? []).some((id) => ['fail', 'blocked'].includes(results.get(id)?.status ?? ''))) continue;
      await this.current;
      await this.launch(check);
    }
  }

  private async launch(check: CheckInfo): Promise<void> {
    const { ctx } = this.options;
    const waitMs = this.options.waitMs(check);
    if (waitMs === undefined || 2 * (performance.now() - this.checksFrom) > waitMs) {
      this.declined.add(check.id);
      if (waitMs !== undefined) this.options.onBackground?.(check, 'alone');
      return;
    }
    // A question the plugin cannot answer leaves the check in its place, nothing worse.
    const notAsked: SideBySide = { sideBySide: false, done: Promise.resolve() };
    const aborted = new Promise<SideBySide>((resolve) => {
      if (this.options.signal?.aborted) resolve(notAsked);
      else this.options.signal?.addEventListener('abort', () => resolve(notAsked), { once: true });
    });
    const probe = await Promise.race([servesSideBySide(ctx).catch(() => notAsked), aborted]);
    if (!probe.sideBySide) {
      this.declined.add(check.id);
      this.options.onBackground?.(check, 'alone');
      return;
    }
    const background = ctx.forCheck(true);
    const waiting = new Promise<void>((resolve) => (background.onWaiting = resolve));
    const verdict = this.options.judge(background, check);
    this.started.set(check.id, verdict);
    const settled = Promise.all([verdict, probe.done]).then(
      () => undefined,
      () => undefined, // an abort: the runner meets it when it takes the verdict
    );
    this.current = settled;
    ctx.holdBackground(settled);
    this.options.onBackground?.(check, 'started');
    void settled.then(() => {
      if (this.current === settled) this.current = undefined;
      this.options.onBackground?.(check, 'ended');
    });
    await Promise.race([waiting, settled]);
    this.options.onBackground?.(check, 'alongside');
  }
}

interface SideBySide {
  sideBySide: boolean;
  /** Settles when the held-back chat was answered (the foreground need not wait for it). */
  done: Promise<void>;
}

/**
 * Whether the plugin answers a chat while another one waits on its upstream: the mock
 * holds the first back (the `slow` fault, a bounded pause, never a hang), and once it
 * holds it, an ordinary chat goes out. Answered first and with 200: side by side. A plugin
 * that serves one request at a time answers the held one first, and costs that pause. The
 * mock holding the first also shows that the plugin forwards the marker in a chat's text,
 * which is how the mock tells the faults of checks in flight together apart.
 */
async function servesSideBySide(ctx: SuiteContext): Promise<SideBySide> {
  // Without the mock (--no-mock-upstream) nothing can be held back, and nothing provoked.
  if (!ctx.hasUpstream) return { sideBySide: false, done: Promise.resolve() };
  const held = ctx.forCheck(true);
  const slow = held.fault('slow');
  // Neither may trip the client's breaker: a timeout here is the question's, no check's.
  const first = held.chat(await held.basicRequest('Take your time with this one.', slow), { breaker: false });
  const done = first.then(
    () => slow.end(),
    () => slow.end(),
  );
  await Promise.race([ctx.mock.seen(slow.id), done]);
  const second = ctx.client.request('POST', '/chat/completions', { json: await ctx.basicRequest('Can you answer while another request waits?'), breaker: false });
  const winner = await Promise.race([second.then((exchange) => (exchange.status === 200 ? 'second' : 'refused')), done.then(() => 'first')]);
  if (winner === 'second') return { sideBySide: true, done };
  await Promise.allSettled([done, second]);
  return { sideBySide: false, done };
}
