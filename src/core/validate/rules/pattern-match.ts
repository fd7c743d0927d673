/**
 * `validation.pattern` is user input: compiling it is cheap, but matching can backtrack
 * for minutes (`^(a+)+$`). Matches run in a vm context with a time limit so `validate`
 * never hangs on a hostile manifest.
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

/** A match's answer: whether it matched, or why it was not decided. */
export type MatchResult = boolean | 'timeout' | 'no-time-left';

interface Pending {
  regexp: RegExp;
  subject: string;
  then: (result: MatchResult) => void;
}

// One pass over every pair; `state.next` says which pair was running when the time ran out.
const batchScript = new Script('for (let i = state.next; i < pairs.length; i++) { state.next = i; results[i] = pairs[i].regexp.test(pairs[i].subject); } state.next = pairs.length;');
let sharedContext: Context | undefined;
/** Answers by the config_schema list they were asked for (see the constructor). */
const answered = new WeakMap<object, MatchResult[]>();

/**
 * The pattern matches of one manifest: gathered with `defer`, run together by `run`, in
 * one vm call for all of them (a call with a time limit costs about 0.1 ms, so 5,000
 * fields took 0.7 s one call each). The pair that is running when a call's time runs out
 * gets a call of its own (the time may have gone to the pairs before it), then the pass
 * goes on after it.
 */
export class PatternMatcher {
  private readonly pending: Pending[] = [];
  private spentMs = 0;

  /**
   * `owner`: the config_schema list the patterns come from. The rules run twice over a
   * manifest with findings (a quick pass without positions, then with them), and the
   * second run takes the first one's answers instead of spending the budget again.
   */
  constructor(private readonly owner: object) {}

  /** True while matches are deferred and not yet run. */
  get waiting(): boolean {
    return this.pending.length > 0;
  }

  defer(regexp: RegExp, subject: string, then: (result: MatchResult) => void): void {
    this.pending.push({ regexp, subject, then });
  }

  run(): void {
    const pairs = this.pending.splice(0);
    const known = answered.get(this.owner);
    const results = known?.length === pairs.length ? known : this.answer(pairs);
    answered.set(this.owner, results);
    pairs.forEach((pair, i) => pair.then(results[i] ?? 'no-time-left'));
  }

  private answer(pairs: readonly Pending[]): MatchResult[] {
    const results: MatchResult[] = pairs.map(() => 'no-time-left');
    for (let next = 0; next < pairs.length && this.spentMs < FILE_TIME_LIMIT_MS; ) {
      const { stopped, full } = this.pass(pairs, next, results);
      if (stopped === pairs.length) break;
      // A pair the time ran out on is slow only if it had the whole MATCH_TIME_LIMIT_MS to
      // itself; `typeof`: the time may run out just after its answer, before the next pair.
      if (typeof results[stopped] !== 'boolean') results[stopped] = stopped > next ? this.alone(pairs[stopped] as Pending) : full ? 'timeout' : 'no-time-left';
      next = stopped + 1;
    }
    return results;
  }

  /** A pair in a call of its own, after a call in which the pairs before it took the time. */
  private alone(pair: Pending): MatchResult {
    if (this.spentMs >= FILE_TIME_LIMIT_MS) return 'no-time-left';
    const answer: MatchResult[] = ['no-time-left'];
    const { full } = this.pass([pair], 0, answer);
    return typeof answer[0] === 'boolean' ? answer[0] : full ? 'timeout' : 'no-time-left';
  }

  /**
   * One vm call over pairs[from..]. `stopped`: the index of the pair running when its time
   * ran out, or pairs.length; `full`: the call had MATCH_TIME_LIMIT_MS, not only what was
   * left of the file's time.
   */
  private pass(pairs: readonly Pending[], from: number, results: MatchResult[]): { stopped: number; full: boolean } {
    const timeout = Math.max(1, Math.ceil(Math.min(MATCH_TIME_LIMIT_MS, FILE_TIME_LIMIT_MS - this.spentMs)));
    const full = timeout === MATCH_TIME_LIMIT_MS;
    const state = { next: from };
    const context = (sharedContext ??= createContext({}));
    Object.assign(context, { pairs, results, state });
    const started = performance.now();
    try {
      batchScript.runInContext(context, { timeout });
      return { stopped: pairs.length, full };
    } catch {
      return { stopped: state.next, full };
    } finally {
      this.spentMs += performance.now() - started;
      Object.assign(context, { pairs: undefined, results: undefined, state: undefined });
    }
  }
}
