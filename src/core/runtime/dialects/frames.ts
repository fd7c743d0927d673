/** Stream framing shared by the dialects: SSE events (with or without a name) and NDJSON lines. */

export function sse(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`;
}

export function ndjson(data: unknown): string {
  return `${JSON.stringify(data)}\n`;
}

/** Text of a message content: a string, or the text parts of a content-part array. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
      .filter(Boolean)
      .join(' ');
  }
  return '';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Bearer <key>` -> key. */
export function bearer(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** OpenAI-style messages (Ollama, Cohere, OpenAI itself): system messages pulled out. */
export function splitSystem(messages: unknown[]): { system: string | undefined; rest: { role: string; content: string }[] } {
  const system: string[] = [];
  const rest: { role: string; content: string }[] = [];
  for (const message of messages) {
    const m = isRecord(message) ? message : {};
    const role = typeof m.role === 'string' ? m.role : '';
    if (role === 'system' || role === 'developer') system.push(textOf(m.content));
    else rest.push({ role, content: textOf(m.content) });
  }
  return { system: system.length > 0 ? system.join('\n') : undefined, rest };
}
