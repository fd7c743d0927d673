/**
 * `validation.pattern` is user input: compiling it is cheap, but matching can backtrack
 * for minutes (`^(a+)+$`). Matches run in a vm context with a time limit so `validate`
 * never hangs on a hostile manifest, nor `test` when it generates config values (a
 * running RegExp never yields, not even to Ctrl+C).
 *
 * One manifest can hold thousands of patterns, so the limits are per file too: every
 * match shares one vm context (a new context per match cost about 1 ms: 5,000 simple
 * patterns took 5 s), and all the matches of one file share FILE_TIME_LIMIT_MS (30
 * backtracking patterns took 30 x 100 ms); once it is spent, the rest are not run.
 */
import { createContext, Script, type Context } from 'node:vm';

export type PatternCompile = { ok: true; regexp: RegExp } | { ok: false; reason: string };

export function compilePattern(pattern: string): PatternCompile {
  try {
    return { ok: true, regexp: new RegExp(pattern) };
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(error);
    return { ok: false, reason };
  }
}

export const MATCH_TIME_LIMIT_MS = 100;
export const FILE_TIME_LIMIT_MS = 250;

/** The per-match and per-file limits (tests give larger ones, where a loaded machine must not change the answer). */
export interface PatternLimits {
  matchMs: number;
  fileMs: number;
}
const LIMITS: PatternLimits = { matchMs: MATCH_TIME_LIMIT_MS, fileMs: FILE_TIME_LIMIT_MS };

/** A match's answer: whether it matched, or why it was not decided. */
export type MatchResult = boolean | 'timeout' | 'no-time-left';

interface Pending {
  regexp: RegExp;
  subject: string;
  then: (result: MatchResult) => void;
}

// One pass over every pair: `state.next` is the pair running when the time ran out, `state.at` when it started.
const batchScript = new Script('for (let i = state.next; i < pairs.length; i++) { state.next = i; state.at = Date.now(); results[i] = pairs[i].regexp.test(pairs[i].subject); } state.next = pairs.length;');
let sharedContext: Context | undefined;
/** Answers by the config_schema list they were asked for (see the constructor). */
const answered = new WeakMap<object, MatchResult[]>();

/** CPU time of this process in ms: time the machine gives to other processes is not charged to a manifest. */
function cpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

/** How one vm call ended: the pair it stopped on (pairs.length when none), and whether that pair was really busy. */
interface Pass {
  stopped: number;
  /** The call had the whole per-match limit, not only what was left of the file's. */
  full: boolean;
  /** The stopped pair ran for most of the call's limit while the process had the CPU: it is slow, not unlucky. */
  busy: boolean;
}

/**
 * The pattern matches of one manifest: gathered with `defer`, run together by `run`, in
 * one vm call for all of them (a call with a time limit costs about 0.1 ms, so 5,000
 * fields took 0.7 s one call each). When a call's time runs out, the pair running then
 * is slow only if it ran for most of the limit with the CPU to itself; otherwise (the
 * pairs before it took the time, or the machine was busy elsewhere) the next call starts
 * with it, once. The file's budget counts CPU time, so a loaded machine does not turn
 * simple patterns into "not checked"; a wall-clock backstop of four budgets still ends it.
 */
export class PatternMatcher {
  private readonly pending: Pending[] = [];
  private spentMs = 0;

  /**
   * `owner`: the config_schema list the patterns come from. The rules run twice over a
   * manifest with findings (a quick pass without positions, then with them), and the
   * second run takes the first one's answers instead of spending the budget again.
   * Undefined outside validate (test's generated config values): one matcher there runs
   * several batches of the same size, so answers are never reused; the budget is shared.
   */
  constructor(
    private readonly owner: object | undefined,
    private readonly limits: PatternLimits = LIMITS,
  ) {}

  /** True while matches are deferred and not yet run. */
  get waiting(): boolean {
    return this.pending.length > 0;
  }

  defer(regexp: RegExp, subject: string, then: (result: MatchResult) => void): void {
    this.pending.push({ regexp, subject, then });
  }

  run(): void {
    const pairs = this.pending.splice(0);
    const known = this.owner && answered.get(this.owner);
    const results = known && known.length === pairs.length ? known : this.answer(pairs);
    if (this.owner) answered.set(this.owner, results);
    pairs.forEach((pair, i) => pair.then(results[i] ?? 'no-time-left'));
  }

  private answer(pairs: readonly Pending[]): MatchResult[] {
    const results: MatchResult[] = pairs.map(() => 'no-time-left');
    const wallEnd = performance.now() + 4 * this.limits.fileMs;
    let retried = -1;
    for (let next = 0; next < pairs.length && this.spentMs < this.limits.fileMs && performance.now() < wallEnd; ) {
      const { stopped, full, busy } = this.pass(pairs, next, results);
      if (stopped === pairs.length) break;
      // `typeof`: the time may run out just after a pair's answer, before the next pair.
      if (typeof results[stopped] === 'boolean' || busy || (stopped === next && retried === stopped)) {
        if (typeof results[stopped] !== 'boolean') results[stopped] = full ? 'timeout' : 'no-time-left';
        next = stopped + 1;
        continue;
      }
      if (stopped === next) retried = stopped;
      next = stopped;
    }
    return results;
  }

  /** One vm call over pairs[from..]. */
  private pass(pairs: readonly Pending[], from: number, results: MatchResult[]): Pass {
    const timeout = Math.max(1, Math.ceil(Math.min(this.limits.matchMs, this.limits.fileMs - this.spentMs)));
    const full = timeout === this.limits.matchMs;
    const state = { next: from, at: 0 };
    const context = (sharedContext ??= createContext({}));
    Object.assign(context, { pairs, results, state });
    const wallStart = performance.now();
    const cpuStart = cpuMs();
    try {
      batchScript.runInContext(context, { timeout });
      this.spentMs += cpuMs() - cpuStart;
      return { stopped: pairs.length, full, busy: false };
    } catch {
      const wall = performance.now() - wallStart;
      const cpu = cpuMs() - cpuStart;
      this.spentMs += cpu;
      const busy = Date.now() - state.at >= 0.8 * timeout && cpu >= 0.8 * wall;
      return { stopped: state.next, full, busy };
    } finally {
      Object.assign(context, { pairs: undefined, results: undefined, state: undefined });
    }
  }
}
