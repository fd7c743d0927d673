/**
 * The OpenAI-shaped bodies the mock upstream answers with: completions, stream chunks
 * and error objects. Deterministic, so checks can compare what the plugin returned with
 * what the upstream said.
 */

export interface ChatMessageLike {
  role?: unknown;
  content?: unknown;
}

/** Text of a message content: a string, or the text parts of a content-part array. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
      .filter(Boolean)
      .join(' ');
  }
  return '';
}

/** Rough token count: words. Deterministic, and what matters is that usage adds up. */
export function countTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export function replyText(messages: ChatMessageLike[]): string {
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  return `mock reply to: ${contentText(lastUser?.content).slice(0, 200)}`;
}

export function completion(id: string, model: string, messages: ChatMessageLike[]) {
  const content = replyText(messages);
  const prompt = messages.reduce((sum, m) => sum + countTokens(contentText(m.content)), 0);
  const completionTokens = countTokens(content);
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens },
  };
}

/** The stream of chunk objects for a reply: role first, content in pieces, finish last. */
export function completionChunks(id: string, model: string, messages: ChatMessageLike[], includeUsage: boolean) {
  const full = completion(id, model, messages);
  const content = full.choices[0]?.message.content ?? '';
  const words = content.split(/(?<= )/);
  const pieces: string[] = [];
  const size = Math.max(1, Math.ceil(words.length / 4));
  for (let i = 0; i < words.length; i += size) pieces.push(words.slice(i, i + size).join(''));
  const base = { id, object: 'chat.completion.chunk', created: full.created, model };
  const chunks: object[] = [{ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }];
  for (const piece of pieces) chunks.push({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
  chunks.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], ...(includeUsage ? { usage: full.usage } : {}) });
  return { chunks, content };
}

export function openAiError(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}
