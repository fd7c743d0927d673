/**
 * Tags on scalars (`!!str 1`, `!!int "8"`, `!mine x`) for the fast YAML reader, resolved
 * as `yaml` resolves them with the options parse-yaml.ts passes (core schema, no known
 * tags beyond it): a core tag whose test the value passes gives that type; any other tag,
 * or a core tag the value fails (`!!int x`), gives the value as a string and a warning
 * "Unresolved tag: <name>" at the tag. The scalar's range starts after the tag, as yaml's
 * does. Tag names with `%`, `<`, a second `!` or other characters are left to the full
 * parser (they resolve through directives, or are errors).
 */
import { unsupported } from './fast-yaml-scalar.js';

/** yaml's prefix for `!!name`. */
const CORE = 'tag:yaml.org,2002:';
// `!name` or `!!name` then a blank and the value, or nothing (an empty value).
// `!` alone is the non-specific tag: the value is a string, whatever it looks like.
const TAG = /^!(!?)([A-Za-z0-9_-]{0,100})(?: +(?=[^ ])|$)/;

/** The tag at text[from] (a `!`): its full name, where it ends, and where the value starts. */
export function readTag(text: string, from: number): { name: string; end: number; next: number } {
  const match = TAG.exec(from === 0 ? text : text.slice(from));
  if (!match) return unsupported();
  const suffix = match[2] ?? '';
  if (suffix === '' && match[1]) unsupported(); // `!!` with no suffix: yaml's error
  return { name: match[1] ? `${CORE}${suffix}` : `!${suffix}`, end: from + 1 + (match[1] ?? '').length + suffix.length, next: from + match[0].length };
}

// The core schema's tests and resolvers, in yaml's order (node_modules/yaml/dist/schema/core).
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** The value of a scalar whose source text (quotes and escapes resolved) is `source`, under tag `name`. */
export function resolveTagged(name: string, source: string, unresolved: (message: string) => void): unknown {
  switch (name) {
    case '!':
    case `${CORE}str`:
      return source;
    case `${CORE}null`:
      if (NULL.test(source)) return null;
      break;
    case `${CORE}bool`:
      if (BOOL.test(source)) return source[0] === 't' || source[0] === 'T';
      break;
    case `${CORE}int`:
      if (INT_OCT.test(source)) return parseInt(source.substring(2), 8);
      if (INT.test(source)) return parseInt(source, 10);
      if (INT_HEX.test(source)) return parseInt(source.substring(2), 16);
      break;
    case `${CORE}float`:
      if (FLOAT_NAN.test(source)) return source.slice(-3).toLowerCase() === 'nan' ? NaN : source[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      if (FLOAT_EXP.test(source) || FLOAT.test(source)) return parseFloat(source);
      break;
    default:
  }
  unresolved(`Unresolved tag: ${name}`);
  return source;
}
