/**
 * A sample string for a simple regular expression, for generated config values: literals,
 * classes, escapes, groups with alternation (first branch) and quantifiers. Lookarounds
 * and backreferences are out of scope; the sample is verified with the real RegExp (with
 * a time limit) and the caller falls back when it does not match.
 */
import { PatternMatcher, type MatchResult } from '../validate/rules/pattern-match.js';

interface Item {
  atom: Node;
  min: number;
  max: number;
}
type Node = { kind: 'text'; text: string } | { kind: 'group'; alternatives: Item[][] };

const CANDIDATES = 'a0Ax1-_.b';

/** The class is the manifest's, but each subject is one character: no backtracking, no time limit. */
function classSample(body: string): string {
  let re: RegExp;
  try {
    re = new RegExp(`^[${body}]$`, 'u');
  } catch {
    return 'a';
  }
  for (const c of CANDIDATES) if (re.test(c)) return c;
  for (let code = 32; code < 127; code += 1) if (re.test(String.fromCharCode(code))) return String.fromCharCode(code);
  return 'a';
}

function escapeSample(c: string): string {
  const table: Record<string, string> = { d: '0', w: 'a', s: ' ', D: 'a', W: '-', S: 'a', n: '\n', t: '\t' };
  return table[c] ?? c;
}

function parse(source: string): Item[][] {
  let i = 0;
  const alternatives = (): Item[][] => {
    const alts: Item[][] = [[]];
    while (i < source.length && source[i] !== ')') {
      const c = source[i] as string;
      if (c === '|') {
        alts.push([]);
        i += 1;
        continue;
      }
      let atom: Node | undefined;
      if (c === '^' || c === '$') {
        i += 1;
        continue;
      } else if (c === '\\') {
        const next = source[i + 1] ?? '';
        i += 2;
        if (next === 'b' || next === 'B') continue;
        atom = { kind: 'text', text: escapeSample(next) };
      } else if (c === '[') {
        let j = i + 1;
        if (source[j] === '^') j += 1;
        if (source[j] === ']') j += 1;
        while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
        atom = { kind: 'text', text: classSample(source.slice(i + 1, j)) };
        i = j + 1;
      } else if (c === '(') {
        i += 1;
        if (source[i] === '?') {
          // (?:...) and named groups; lookarounds are not supported (verified later).
          if (source[i + 1] === ':') i += 2;
          else if (source[i + 1] === '<' && source[i + 2] !== '=' && source[i + 2] !== '!') i = source.indexOf('>', i) + 1;
        }
        atom = { kind: 'group', alternatives: alternatives() };
        i += 1; // ')'
      } else if (c === '.') {
        atom = { kind: 'text', text: 'a' };
        i += 1;
      } else {
        atom = { kind: 'text', text: c };
        i += 1;
      }
      let min = 1;
      let max = 1;
      const q = source[i];
      if (q === '?' || q === '*' || q === '+') {
        min = q === '+' ? 1 : 0;
        max = q === '?' ? 1 : Infinity;
        i += 1;
      } else if (q === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
        if (m) {
          min = Number(m[1]);
          max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity;
          i += m[0].length;
        }
      }
      if (source[i] === '?') i += 1; // lazy
      (alts[alts.length - 1] as Item[]).push({ atom, min, max });
    }
    return alts;
  };
  return alternatives();
}

/** Longer samples are not tried: nested counts (`((a{1000}){1000}){1000}`) would not fit in a string. */
const SAMPLE_LIMIT = 100_000;

function render(items: Item[], counts: Map<Item, number>): string | undefined {
  let out = '';
  for (const item of items) {
    const n = counts.get(item) ?? item.min;
    const text = item.atom.kind === 'text' ? item.atom.text : render(item.atom.alternatives[0] ?? [], counts);
    if (text === undefined || out.length + text.length * n > SAMPLE_LIMIT) return undefined;
    out += text.repeat(n);
  }
  return out;
}

/**
 * A candidate for `pattern` with length in [minLength, maxLength], not yet checked against
 * the pattern (the caller checks it with the others, in one bounded batch); undefined when
 * the pattern does not compile with the u flag or the lengths do not fit.
 */
export function patternCandidate(pattern: string, minLength = 0, maxLength = Infinity): string | undefined {
  if (!compiles(pattern)) return undefined;
  const top = parse(pattern)[0] ?? [];
  const counts = new Map<Item, number>();
  let text = render(top, counts);
  // Grow the first repeatable item until the minimum length is met.
  const growable = top.find((item) => item.max > item.min && item.atom.kind === 'text' && item.atom.text.length > 0);
  if (text !== undefined && growable && text.length < minLength && growable.atom.kind === 'text') {
    const need = Math.ceil((minLength - text.length) / growable.atom.text.length);
    counts.set(growable, Math.min(growable.min + need, growable.max));
    text = render(top, counts);
  }
  return text !== undefined && text.length >= minLength && text.length <= maxLength ? text : undefined;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

/**
 * A string matching `pattern` with length in [minLength, maxLength] when that is easy; else
 * undefined. The match runs with a time limit (the pattern is the manifest's): a pattern that
 * backtracks past it gives undefined too.
 */
export function samplePattern(pattern: string, minLength = 0, maxLength = Infinity): string | undefined {
  const text = patternCandidate(pattern, minLength, maxLength);
  if (text === undefined) return undefined;
  const answers: MatchResult[] = [];
  const matcher = new PatternMatcher(undefined);
  matcher.defer(new RegExp(pattern, 'u'), text, (answer) => answers.push(answer));
  matcher.run();
  return answers[0] === true ? text : undefined;
}
