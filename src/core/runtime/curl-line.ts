/**
 * A copy-pasteable curl command that repeats a request. Secrets never appear in it:
 * a sensitive config value in a JSON body (the /initialize config) is read from its
 * environment variable, `"$LOOM_CONFIG_API_KEY"`, so the line runs as printed once that
 * variable is set (where `loom-plugin test` reads it too); any other secret, and a value
 * the shell cannot put into JSON (one with `"` or `\`), is masked.
 */
import { maskJsonText, maskSecrets } from './mask-secrets.js';

/**
 * How every printed curl line passes its body: as written. `-d` would read a file for a
 * body that starts with `@`; `--data-binary` does that too. (Newlines in the argument
 * are sent either way; only a file read with `-d` drops them.)
 */
export const CURL_BODY_FLAG = '--data-raw';

/** POSIX single-quoting: the text reaches the command exactly as written. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The variable a config field's value comes from (the templates' and the runtime's convention). */
export function configEnvName(field: string): string {
  return `LOOM_CONFIG_${field.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

const MARKER = (index: number): string => `@@loom-plugin-env-${index}@@`;

/**
 * A value the shell can put into the JSON as it is: a number or boolean bare, a string
 * between the JSON quotes when it needs no JSON escaping. Any other value is masked: the
 * shell cannot escape `"` or `\` in a variable for JSON.
 */
function fromEnvironment(value: unknown): 'bare' | 'quoted' | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return 'bare';
  if (typeof value === 'string' && JSON.stringify(value) === `"${value}"`) return 'quoted';
  return undefined;
}

/** The body argument: named sensitive fields as "$VARIABLE", other secrets masked. */
function bodyArgument(body: string, secrets: readonly string[], envFields: readonly string[]): string {
  let parsed: unknown;
  try {
    parsed = envFields.length > 0 ? JSON.parse(body) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return shellQuote(maskJsonText(body, secrets));
  const names: Array<{ name: string; how: 'bare' | 'quoted' }> = [];
  const marked = Object.fromEntries(
    Object.entries(parsed).map(([key, value]) => {
      const how = envFields.includes(key) ? fromEnvironment(value) : undefined;
      if (!how) return [key, value];
      names.push({ name: configEnvName(key), how });
      return [key, MARKER(names.length - 1)];
    }),
  );
  if (names.length === 0) return shellQuote(maskJsonText(body, secrets));
  // Close the single quotes around each variable, so the shell expands it inside the JSON:
  // between the JSON string's quotes, or in place of them for a number or boolean.
  let text = shellQuote(maskJsonText(JSON.stringify(marked), secrets));
  names.forEach(({ name, how }, index) => {
    const marker = how === 'bare' ? `"${MARKER(index)}"` : MARKER(index);
    text = text.split(marker).join(`'"$${name}"'`);
  });
  return text;
}

export function curlLine(
  request: { method: string; url: string; headers: Record<string, string>; body?: string },
  secrets: readonly string[] = [],
  envFields: readonly string[] = [],
): string {
  // Mask before quoting: shell escaping would split a secret that contains a quote.
  const safe = (text: string) => shellQuote(maskSecrets(text, secrets));
  const parts = ['curl', '-sS', '-i'];
  if (request.method !== 'GET' || request.body !== undefined) parts.push('-X', request.method);
  parts.push(safe(request.url));
  for (const [name, value] of Object.entries(request.headers)) parts.push('-H', safe(`${name}: ${value}`));
  // The body as a JSON value when it is JSON, so the masked line still sends valid JSON.
  if (request.body !== undefined) parts.push(CURL_BODY_FLAG, bodyArgument(request.body, secrets, envFields));
  return parts.join(' ');
}
