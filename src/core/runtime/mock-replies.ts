/**
 * What the mock upstream says, in common terms: a deterministic reply to the last user
 * message, cut into stream pieces, with token counts that add up. Each dialect dresses it
 * in its own wire format (src/core/runtime/dialects/). Deterministic, so checks can
 * compare what the plugin returned with what the upstream said.
 */
import { textOf } from './dialects/frames.js';
import type { CommonChat, Reply } from './dialects/types.js';

export interface ChatMessageLike {
  role?: unknown;
  content?: unknown;
}

/** Text of a message content: a string, or the text parts of a content-part array. */
export const contentText = textOf;

/** Rough token count: words. Deterministic, and what matters is that usage adds up. */
export function countTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export function replyText(messages: ChatMessageLike[]): string {
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  return `mock reply to: ${contentText(lastUser?.content).slice(0, 200)}`;
}

/** The text cut into about four pieces, each ending at a space, so a stream has several chunks. */
export function pieces(text: string): string[] {
  const words = text.split(/(?<= )/);
  const size = Math.max(1, Math.ceil(words.length / 4));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(''));
  return out;
}

export function buildReply(chat: CommonChat, id: string, model: string, includeUsage: boolean): Reply {
  const text = replyText(chat.messages);
  const promptTokens = countTokens(chat.system ?? '') + chat.messages.reduce((sum, m) => sum + countTokens(m.content), 0);
  return { id, model, text, pieces: pieces(text), promptTokens, completionTokens: countTokens(text), created: Math.floor(Date.now() / 1000), includeUsage };
}
