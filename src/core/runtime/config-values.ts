/**
 * Typing of config values: coercion of environment strings and file values to a field's
 * declared type, and generated test values that respect the field's validation.
 */
import type { ConfigField } from '../manifest/types.js';
import { PatternMatcher, type MatchResult } from '../validate/rules/pattern-match.js';
import { patternCandidate } from './pattern-sample.js';

export type ConfigValue = string | number | boolean;

/**
 * How a rejected value is named in an error. A sensitive field's value is never echoed
 * (a key written as a list is still a key): only its kind is named.
 */
export function describeValue(value: unknown, sensitive: boolean): string {
  const kind = Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value === 'object' ? 'a mapping' : typeof value === 'string' ? 'text' : `a ${typeof value}`;
  if (sensitive) return `${kind} (value hidden: the field is sensitive)`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** True for fields whose values are masked: `sensitive: true`, or a name that reads like a credential. */
export function isSensitiveField(field: ConfigField): boolean {
  return field.sensitive === true || looksSecret(field.name);
}

/** Coerces a value from a file or env to the field's type; returns an error reason on failure. */
export function coerceValue(field: ConfigField, value: unknown): { value: ConfigValue } | { error: string } {
  const got = (): string => describeValue(value, isSensitiveField(field));
  switch (field.type) {
    case 'int': {
      if (typeof value === 'number' && Number.isInteger(value)) return { value };
      if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return { value: Number.parseInt(value, 10) };
      return { error: `expected an integer (int), got ${got()}` };
    }
    case 'float': {
      if (typeof value === 'number' && Number.isFinite(value)) return { value };
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return { value: Number(value) };
      return { error: `expected a number (float), got ${got()}` };
    }
    case 'bool': {
      if (typeof value === 'boolean') return { value };
      if (typeof value === 'string') {
        const lower = value.trim().toLowerCase();
        if (['true', '1', 'yes', 'on'].includes(lower)) return { value: true };
        if (['false', '0', 'no', 'off'].includes(lower)) return { value: false };
      }
      return { error: `expected a boolean (true/false), got ${got()}` };
    }
    default: {
      // 'string' and types the host lets through unknown: keep scalars as text.
      if (typeof value === 'string') return { value };
      if (typeof value === 'number' || typeof value === 'boolean') return { value: String(value) };
      return { error: `expected a string, got ${got()}` };
    }
  }
}

/** Names that hold credentials even when the manifest forgot `sensitive: true`. */
export function looksSecret(name: string): boolean {
  return /(^|_|-)(api_?key|apikey|secret|password|passwd|token|access_key|private_key|credentials?)($|_|-)/i.test(name);
}

function clamp(value: number, min: number | undefined, max: number | undefined): number {
  let out = value;
  if (min !== undefined && out < min) out = min;
  if (max !== undefined && out > max) out = max;
  return out;
}

/** A plausible starting number for a field, by name; then clamped into its validation. */
function numberGuess(name: string, type: 'int' | 'float'): number {
  const lower = name.toLowerCase();
  if (lower.includes('timeout')) return 30;
  if (lower.includes('retr')) return 2;
  if (lower.includes('port')) return 8080;
  if (lower.includes('temperature')) return 0.7;
  if (lower.includes('token')) return 256;
  return type === 'int' ? 1 : 0.5;
}

function stringCandidates(name: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  if (looksSecret(lower)) out.push('sk-loom-test-fake-key-0000000000000000');
  if (/(url|endpoint|host|base)/.test(lower)) out.push('http://127.0.0.1:9/v1');
  if (lower.includes('model')) out.push('mock-small');
  if (lower.includes('region')) out.push('us-east-1');
  if (lower.includes('org')) out.push('org-loom-test');
  out.push('loom-test', 'test', 'a', '0', 'A', 'a1', 'test-value', 'https://example.com', 'test@example.com', 'x');
  return out;
}

/**
 * The longest value generated: a longer one is no use as LOOM_CONFIG_<NAME> (Linux takes
 * at most 128 KiB in one environment string), and padding to `min_length: 1000000000`
 * one character at a time ran for minutes.
 */
export const GENERATED_LENGTH_LIMIT = 100_000;

function fitLength(text: string, min: number | undefined, max: number | undefined): string {
  let out = text;
  if (max !== undefined && out.length > max) out = out.slice(0, Math.max(max, 0));
  const want = Math.min(min ?? 0, GENERATED_LENGTH_LIMIT);
  return out.length < want ? out + 'x'.repeat(want - out.length) : out;
}

function safeRegExp(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}

/** A generated value, and why it was not checked against the field's pattern when it was not. */
export interface GeneratedValue {
  value: ConfigValue;
  /**
   * timeout: the pattern backtracked past the per-match limit; no-time-left: the time for
   * the pattern checks of this run was spent (see PatternMatcher). The value is the first
   * candidate, unchecked: a plugin that checks it may refuse it.
   */
  unchecked?: 'timeout' | 'no-time-left';
  /** The field's min_length is past GENERATED_LENGTH_LIMIT: the value is shorter than it. */
  short?: true;
}

/**
 * A test value of the right type, inside min/max, lengths, enum and (when one of a few
 * candidates fits) pattern. Credentials get a recognisable fake.
 */
export function generateValue(field: ConfigField, matcher = new PatternMatcher(undefined)): ConfigValue {
  return generateConfigValue(field, matcher).value;
}

/** generateValue, saying when the pattern could not be checked; `matcher` holds the run's time for pattern checks. */
export function generateConfigValue(field: ConfigField, matcher: PatternMatcher): GeneratedValue {
  const v = field.validation ?? {};
  if (Array.isArray(v.enum) && v.enum.length > 0) {
    const coerced = coerceValue(field, v.enum[0]);
    if ('value' in coerced) return { value: coerced.value };
  }
  switch (field.type) {
    case 'int': {
      const min = v.min === undefined ? undefined : Math.ceil(v.min);
      const max = v.max === undefined ? undefined : Math.floor(v.max);
      return { value: Math.round(clamp(numberGuess(field.name, 'int'), min, max)) };
    }
    case 'float':
      return { value: clamp(numberGuess(field.name, 'float'), v.min, v.max) };
    case 'bool':
      return { value: false };
    default:
      return generateString(field, matcher);
  }
}

/**
 * The first candidate that matches the pattern, else a sample built from the pattern, else
 * the first candidate. The pattern is the manifest's, so every match runs in one bounded
 * batch (a RegExp that backtracks would otherwise hang the run, deaf to Ctrl+C).
 */
function generateString(field: ConfigField, matcher: PatternMatcher): GeneratedValue {
  const v = field.validation ?? {};
  const generated = matchingString(field, matcher);
  return (v.min_length ?? 0) > GENERATED_LENGTH_LIMIT ? { ...generated, short: true } : generated;
}

function matchingString(field: ConfigField, matcher: PatternMatcher): GeneratedValue {
  const v = field.validation ?? {};
  const candidates = stringCandidates(field.name).map((c) => fitLength(c, v.min_length, v.max_length));
  const fallback = candidates[0] ?? 'loom-test';
  const pattern = safeRegExp(v.pattern);
  if (pattern === undefined || v.pattern === undefined) return { value: fallback };
  const sample = patternCandidate(v.pattern, v.min_length ?? 0, v.max_length ?? Infinity);
  const tried = sample === undefined ? candidates : [...candidates, sample];
  const answers: MatchResult[] = [];
  for (const text of tried) matcher.defer(pattern, text, (answer) => answers.push(answer));
  matcher.run();
  const fits = tried.find((_, i) => answers[i] === true);
  if (fits !== undefined) return { value: fits };
  const unchecked = answers.includes('timeout') ? 'timeout' : answers.includes('no-time-left') ? 'no-time-left' : undefined;
  return unchecked ? { value: fallback, unchecked } : { value: fallback };
}
