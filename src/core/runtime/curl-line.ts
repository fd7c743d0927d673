/**
 * A copy-pasteable curl command that repeats a request. Secrets never appear in it:
 * a sensitive config value in a JSON body (the /initialize config) is read from its
 * environment variable, `"$LOOM_CONFIG_API_KEY"`, so the line runs as printed once that
 * variable is set (where `loom-plugin test` reads it too); any other secret is masked.
 */
import { maskJsonText, maskSecrets } from './mask-secrets.js';

/** POSIX single-quoting: the text reaches the command exactly as written. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The variable a config field's value comes from (the templates' and the runtime's convention). */
export function configEnvName(field: string): string {
  return `LOOM_CONFIG_${field.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

const MARKER = (index: number): string => `@@loom-plugin-env-${index}@@`;

/** The body argument: named sensitive fields as "$VARIABLE", other secrets masked. */
function bodyArgument(body: string, secrets: readonly string[], envFields: readonly string[]): string {
  let parsed: unknown;
  try {
    parsed = envFields.length > 0 ? JSON.parse(body) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return shellQuote(maskJsonText(body, secrets));
  const names: string[] = [];
  const marked = Object.fromEntries(
    Object.entries(parsed).map(([key, value]) => {
      if (!envFields.includes(key) || typeof value !== 'string') return [key, value];
      names.push(configEnvName(key));
      return [key, MARKER(names.length - 1)];
    }),
  );
  if (names.length === 0) return shellQuote(maskJsonText(body, secrets));
  // Close the single quotes around each variable, so the shell expands it inside the JSON.
  let text = shellQuote(maskJsonText(JSON.stringify(marked), secrets));
  names.forEach((name, index) => (text = text.split(MARKER(index)).join(`'"$${name}"'`)));
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
  if (request.body !== undefined) parts.push('--data-raw', bodyArgument(request.body, secrets, envFields));
  return parts.join(' ');
}
