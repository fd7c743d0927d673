/**
 * `validation.pattern` is user input: compiling it is cheap, but matching can backtrack
 * for minutes (`^(a+)+$`). Matches run in a vm context with a time limit so `validate`
 * never hangs on a hostile manifest.
 */
import { createContext, Script } from 'node:vm';

export type PatternCompile = { ok: true; regexp: RegExp } | { ok: false; reason: string };

export function compilePattern(pattern: string): PatternCompile {
  try {
    return { ok: true, regexp: new RegExp(pattern) };
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(error);
    return { ok: false, reason };
  }
}

const MATCH_TIME_LIMIT_MS = 100;
const matchScript = new Script('regexp.test(subject)');

/** true / false, or undefined when the match did not finish in time. */
export function matchesWithin(regexp: RegExp, subject: string): boolean | undefined {
  try {
    return Boolean(matchScript.runInContext(createContext({ regexp, subject }), { timeout: MATCH_TIME_LIMIT_MS }));
  } catch {
    return undefined;
  }
}
