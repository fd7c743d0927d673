/**
 * Scalars for the fast YAML reader (fast-yaml.ts, fast-yaml-flow.ts): the plain and
 * quoted forms it resolves exactly as the YAML 1.2 core schema does, and the signal it
 * throws on anything else so the caller falls back to the full parser.
 */

export class Unsupported extends Error {}
export const unsupported = (): never => {
  throw new Unsupported();
};

/** A plain key the reader accepts (always a string, never a YAML word such as `on`). */
export const KEY_NAME = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
export const RESERVED_KEY = /^(?:true|false|null|y|n|yes|no|on|off)$/i;
/** YAML caps implicit keys at 1024 characters; longer ones go to the full parser. */
export const MAX_KEY_LENGTH = 1000;
const NOT_PLAIN_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
// YAML 1.2 core schema forms the fast path does not resolve itself.
const CORE_NUMBERISH = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function checkKey(key: string): void {
  if (RESERVED_KEY.test(key) || key.length > MAX_KEY_LENGTH) unsupported();
}

export function plainScalar(text: string): unknown {
  // `-x` (e.g. --port) is a plain scalar; `-` alone or `- x` is not.
  const dashWord = text.length > 1 && text[0] === '-' && text[1] !== ' ';
  if (text === '' || (NOT_PLAIN_START.test(text) && !dashWord) || /:(?:\s|$)|\s#|\t/.test(text)) unsupported();
  if (text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  if (text === 'true' || text === 'True' || text === 'TRUE') return true;
  if (text === 'false' || text === 'False' || text === 'FALSE') return false;
  if (/^(?:0|-?[1-9][0-9]{0,14})$/.test(text)) return Number(text);
  if (/^-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}$/.test(text)) return Number(text);
  if (CORE_NUMBERISH.test(text)) unsupported();
  return text;
}

/**
 * The text of a quoted scalar opening at `from` (a quote character) and closing on the
 * same line, and the offset just past its closing quote. Escapes (`\` in double quotes,
 * `''` in single quotes) and control characters are left to the full parser.
 */
export function quotedScalar(text: string, from: number): { value: string; next: number } {
  const quote = text[from] ?? '';
  const close = text.indexOf(quote, from + 1);
  if (close === -1) unsupported();
  const body = text.slice(from + 1, close);
  if ((quote === '"' && body.includes('\\')) || text[close + 1] === quote || CONTROL.test(body) || body.includes('\n')) unsupported();
  return { value: body, next: close + 1 };
}
