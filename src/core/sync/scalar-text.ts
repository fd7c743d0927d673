/**
 * How sync writes one key or scalar into a manifest's text: in the style the author used
 * for the node it replaces (plain, 'single' or "double" quoted; JSON for .json files),
 * falling back to double quotes whenever the plain form could read back as something
 * else. A property test holds every form to "yaml parses it back to the same value".
 */

export type ScalarValue = string | number | boolean;

const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|~)$/i;
// Conservative plain scalars: start with a letter, no spaces, no flow indicators or `#`,
// so they read the same inside block and flow collections alike.
const PLAIN_SAFE = /^[A-Za-z][A-Za-z0-9_./:@%+=~-]*$/;

export function isPlainSafe(text: string): boolean {
  return PLAIN_SAFE.test(text) && !RESERVED.test(text) && !text.endsWith(':');
}

function singleQuoted(text: string): string | undefined {
  // Single quotes cannot escape control characters; those take double quotes.
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f\u0085\u2028\u2029]/.test(text) ? undefined : `'${text.replace(/'/g, "''")}'`;
}

/** A string in the style of `original` (the source text of the node it replaces, or ''). */
export function stringText(value: string, original: string, json: boolean): string {
  if (json || original.startsWith('"')) return JSON.stringify(value);
  if (original.startsWith("'")) return singleQuoted(value) ?? JSON.stringify(value);
  return isPlainSafe(value) ? value : JSON.stringify(value);
}

export function scalarText(value: ScalarValue, original: string, json: boolean): string {
  return typeof value === 'string' ? stringText(value, original, json) : JSON.stringify(value);
}

/** Scalars sync may replace in place; block scalars, aliases, tags and anchors are left to the author. */
export function isReplaceableScalar(original: string): boolean {
  return !/^[|>*&!]/.test(original);
}
