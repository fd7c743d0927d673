/**
 * Small argument parsers shared by the commander wiring. Each throws a usage error with
 * a sentence the user can act on; commander's own "invalid argument" wording is replaced.
 */
import { usageError } from './core/errors.js';

/**
 * The longest duration a flag accepts: 24 hours. Timers cannot go past 2^31-1 ms (about
 * 24.8 days; Node fires a longer one after 1 ms, with a TimeoutOverflowWarning), and some
 * waits add a margin to the flag's value, so the cap stays well below that.
 */
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

/** A flag's value as a message shows it: quoted, cut short (a pasted file is no value). */
function quoted(value: string): string {
  return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
}

/** "30s", "500ms", "2m" or a bare number (of defaultUnit), from 1 ms to MAX_DURATION_MS. */
export function parseDuration(flag: string, defaultUnit: 'ms' | 's' = 'ms') {
  const bare = `A bare number is read as ${defaultUnit === 'ms' ? 'milliseconds' : 'seconds'}`;
  return (value: string): number => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/i.exec(value);
    if (!match) throw usageError(`${flag} must be a duration such as 500ms, 30s or 2m, not ${quoted(value)}.`, `${bare}.`);
    const amount = Number(match[1]);
    const unit = (match[2] ?? defaultUnit).toLowerCase();
    // Rounded first: "0.4ms" is 0, which a timer would treat as "now".
    const ms = Math.round(unit === 'm' ? amount * 60_000 : unit === 's' ? amount * 1000 : amount);
    if (ms < 1) throw usageError(`${flag} must be greater than zero.`, `Give a positive duration such as ${defaultUnit === 'ms' ? '500ms' : '30s'}, or leave the flag out for its default.`);
    if (ms > MAX_DURATION_MS) {
      throw usageError(
        `${flag} must be at most ${MAX_DURATION_MS / 1000}s (24 hours), not ${quoted(value)}.`,
        `Give a duration such as 30s or 2m, up to ${MAX_DURATION_MS / 1000}s or ${MAX_DURATION_MS / 60_000}m (${bare.toLowerCase()}), or leave the flag out for its default.`,
      );
    }
    return ms;
  };
}

/**
 * A URL-like value as a message may show it, after `lead`: not at all when it may carry a
 * secret (user:password@, ?api_key=..., #token), which a message would print on stderr
 * and in CI annotations; the text need not parse, so no URL parser can strip them.
 */
function quotedUrl(value: string, lead: string): string {
  return /[@?#]/.test(value) ? '' : `${lead}${quoted(value)}`;
}

/**
 * A plugin's base URL (`test --endpoint`): http or https, no credentials, query or fragment.
 * Refused here, before anything runs; a bad one used to fail every check as "Invalid URL
 * protocol" (exit 1) or print a password inside "Nothing answers at ...".
 */
export function parseBaseUrl(flag: string) {
  return (value: string): string => {
    const trimmed = value.trim();
    // "127.0.0.1:8080" parses as scheme "127.0.0.1:": suggest the value with http:// in front.
    const example = !trimmed.includes('://') && /^[\w.-]+(:\d+)?$/.test(trimmed) && trimmed.length <= 100 ? `http://${trimmed}` : 'http://127.0.0.1:8080';
    const hint = `Give the plugin's base URL, e.g. ${flag} ${example}.`;
    let url: URL | undefined;
    try {
      url = new URL(trimmed);
    } catch {
      // not a URL at all: said below
    }
    // Checked on the text too: "http://admin:hunter2@localhost:99999" does not parse.
    if ((url && (url.username || url.password)) || /^(?:[^/?#]*:\/\/)?[^/?#]*@/.test(trimmed)) {
      // Not repeated: it holds a password.
      throw usageError(`${flag} must not contain a user name or password.`, `${hint} A plugin that needs a key gets it from its config, not from its URL.`);
    }
    if (!url && /^https?:\/\//i.test(trimmed)) {
      throw usageError(`${flag} is not a valid URL (check its host, and its port: 1 to 65535)${quotedUrl(value, ': ')}.`, hint);
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw usageError(`${flag} must be an http:// or https:// URL${quotedUrl(value, ', not ')}.`, hint);
    }
    if (url.search || url.hash) {
      // Not repeated: a query or fragment often carries a key (?api_key=...).
      throw usageError(`${flag} must be a base URL without a ?query or #fragment.`, `${hint} Paths such as /health are added to it.`);
    }
    return trimmed;
  };
}

/**
 * An address to listen on (`dev --host`): 127.0.0.1, 0.0.0.0, ::, a host name. A URL or
 * host:port was looked up as a host name ("getaddrinfo ENOTFOUND http://..."), after a
 * warning that the host listens beyond loopback; the hint splits it into --host and --port.
 */
export function parseListenAddress(flag: string) {
  return (value: string): string => {
    const trimmed = value.trim();
    const withPort = /^([^:/\s]+):(\d+)$/.exec(trimmed);
    if (trimmed !== '' && !withPort && !/[/\s]/.test(trimmed)) return trimmed;
    let split: string | undefined;
    if (withPort) split = `${flag} ${withPort[1]} --port ${withPort[2]}`;
    else if (URL.canParse(trimmed)) {
      const url = new URL(trimmed);
      if (url.hostname) split = `${flag} ${url.hostname.replace(/^\[|\]$/g, '')}${url.port ? ` --port ${url.port}` : ''}`;
    }
    throw usageError(
      `${flag} takes an address to listen on, such as 127.0.0.1 or 0.0.0.0, not ${quoted(value)}.`,
      split ? `Give the address alone, and the port with --port: ${split}.` : `Pass ${flag} 127.0.0.1 (this machine only) or ${flag} 0.0.0.0 (every IPv4 address).`,
    );
  };
}

export function parsePort(flag: string, allowZero = false) {
  return (value: string): number => {
    const port = Number(value);
    if (!/^\d+$/.test(value.trim()) || port > 65535 || (port === 0 && !allowZero)) {
      throw usageError(`${flag} must be a port number between ${allowZero ? 0 : 1} and 65535, not ${quoted(value)}.`, `Pass a free port such as ${flag} 8090${allowZero ? ', or 0 to let the system pick one' : ''}.`);
    }
    return port;
  };
}

/** The longest id or glob --only and --skip take: check ids are a few dozen characters. */
export const MAX_PATTERN_LENGTH = 200;

/** collectList for check ids and globs, each at most MAX_PATTERN_LENGTH characters. */
export function collectPatterns(flag: string) {
  return (value: string, previous: string[] | undefined): string[] => {
    const items = collectList(value, previous);
    const long = items.find((item) => item.length > MAX_PATTERN_LENGTH);
    if (long !== undefined) {
      throw usageError(
        `The ${flag} value is too long (${long.length} characters); a check id or glob has at most ${MAX_PATTERN_LENGTH}.`,
        `Pass ids or globs such as ${flag} "errors.*"; run loom-plugin test --list for every id.`,
      );
    }
    return items;
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
    if (!found) throw usageError(`${flag} must be one of ${choices.join(', ')}, not ${quoted(value)}.`, hint ?? `Pass one of ${choices.join(', ')}, e.g. ${flag} ${choices[0]}.`);
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
