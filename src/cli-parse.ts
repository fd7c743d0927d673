/**
 * Small argument parsers shared by the commander wiring. Each throws a usage error with
 * a sentence the user can act on; commander's own "invalid argument" wording is replaced.
 */
import { usageError } from './core/errors.js';

/** "30s", "500ms", "2m" or a bare number of milliseconds. */
export function parseDuration(flag: string, defaultUnit: 'ms' | 's' = 'ms') {
  return (value: string): number => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/i.exec(value);
    if (!match) {
      throw usageError(
        `${flag} must be a duration such as 500ms, 30s or 2m, not "${value}".`,
        `A bare number is read as ${defaultUnit === 'ms' ? 'milliseconds' : 'seconds'}.`,
      );
    }
    const amount = Number(match[1]);
    const unit = (match[2] ?? defaultUnit).toLowerCase();
    const ms = unit === 'm' ? amount * 60_000 : unit === 's' ? amount * 1000 : amount;
    if (ms <= 0 || !Number.isFinite(ms)) throw usageError(`${flag} must be greater than zero.`, `Give a positive duration such as ${defaultUnit === 'ms' ? '500ms' : '30s'}, or leave the flag out for its default.`);
    return Math.round(ms);
  };
}

export function parsePort(flag: string, allowZero = false) {
  return (value: string): number => {
    const port = Number(value);
    if (!/^\d+$/.test(value.trim()) || port > 65535 || (port === 0 && !allowZero)) {
      throw usageError(`${flag} must be a port number between ${allowZero ? 0 : 1} and 65535, not "${value}".`, `Pass a free port such as ${flag} 8090${allowZero ? ', or 0 to let the system pick one' : ''}.`);
    }
    return port;
  };
}

/** Repeatable, comma-separated list: `--only a,b --only c` gives [a, b, c]. */
export function collectList(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  return [...(previous ?? []), ...items];
}

export function parseChoice<T extends string>(flag: string, choices: readonly T[], hint?: string) {
  return (value: string): T => {
    const lowered = value.trim().toLowerCase();
    const found = choices.find((choice) => choice === lowered);
    if (!found) throw usageError(`${flag} must be one of ${choices.join(', ')}, not "${value}".`, hint ?? `Pass one of ${choices.join(', ')}, e.g. ${flag} ${choices[0]}.`);
    return found;
  };
}

export function collectChoices<T extends string>(flag: string, choices: readonly T[]) {
  const one = parseChoice(flag, choices);
  return (value: string, previous: T[] | undefined): T[] => [
    ...(previous ?? []),
    ...collectList(value, undefined).map(one),
  ];
}
