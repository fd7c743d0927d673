/** A copy-pasteable curl command that repeats a request, with secrets masked. */
import { maskSecrets } from './mask-secrets.js';

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function curlLine(
  request: { method: string; url: string; headers: Record<string, string>; body?: string },
  secrets: readonly string[] = [],
): string {
  const parts = ['curl', '-sS', '-i'];
  if (request.method !== 'GET' || request.body !== undefined) parts.push('-X', request.method);
  parts.push(quote(request.url));
  for (const [name, value] of Object.entries(request.headers)) parts.push('-H', quote(`${name}: ${value}`));
  if (request.body !== undefined) parts.push('--data-raw', quote(request.body));
  return maskSecrets(parts.join(' '), secrets);
}
