/**
 * Talking to the dev host. The token arrives once in the address (#token=... or
 * ?token=...), is kept in sessionStorage (this tab only) and removed from the address bar
 * and history. It travels in the Authorization header, never in a URL.
 */
export const TOKEN_KEY = 'loomDevToken';

let token: string | null = readToken();
let onUnauthorized: () => void = () => undefined;

function readToken(): string | null {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const query = new URLSearchParams(location.search);
  const fromUrl = hash.get('token') ?? query.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    history.replaceState(null, '', location.pathname);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function hasToken(): boolean {
  return Boolean(token);
}

export function setToken(value: string): void {
  token = value;
  sessionStorage.setItem(TOKEN_KEY, value);
}

export function forgetToken(): void {
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
}

export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export async function api(path: string, options: { method?: string; body?: string; signal?: AbortSignal } = {}): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token ?? ''}` };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method: options.method ?? 'GET', headers, body: options.body, signal: options.signal });
  if (response.status === 401) {
    onUnauthorized();
    throw new Error('unauthorized');
  }
  return response;
}

export async function apiJson<T>(path: string, options: { method?: string; body?: string } = {}): Promise<T> {
  return (await (await api(path, options)).json()) as T;
}

/** Reads a streamed body and hands over each complete piece cut at `separator`. */
export async function readPieces(response: Response, separator: string | RegExp, onPiece: (piece: string) => void): Promise<void> {
  if (!response.body) return;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const parts = buffer.split(separator);
    buffer = parts.pop() ?? '';
    for (const part of parts) onPiece(part);
  }
  if (buffer.trim()) onPiece(buffer);
}
