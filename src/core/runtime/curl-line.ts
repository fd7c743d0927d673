/** A copy-pasteable curl command that repeats a request, with secrets masked. */
import { maskJsonText, maskSecrets } from './mask-secrets.js';

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function curlLine(
  request: { method: string; url: string; headers: Record<string, string>; body?: string },
  secrets: readonly string[] = [],
): string {
  // Mask before quoting: shell escaping would split a secret that contains a quote.
  const safe = (text: string) => quote(maskSecrets(text, secrets));
  const parts = ['curl', '-sS', '-i'];
  if (request.method !== 'GET' || request.body !== undefined) parts.push('-X', request.method);
  parts.push(safe(request.url));
  for (const [name, value] of Object.entries(request.headers)) parts.push('-H', safe(`${name}: ${value}`));
  // The body as a JSON value when it is JSON, so the masked line still sends valid JSON.
  if (request.body !== undefined) parts.push('--data-raw', quote(maskJsonText(request.body, secrets)));
  return parts.join(' ');
}
