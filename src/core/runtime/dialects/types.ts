/**
 * What a provider dialect is for the mock upstream: its routes, where its key goes, how
 * it reads a chat request, and how it writes replies, streams and errors. Each dialect
 * lives in its own folder (`<name>/faults.ts`: its error answers as data;
 * `<name>/index.ts`: small functions) and is listed in `index.ts`; the mock's core
 * (`../mock-upstream.ts`) knows none of them.
 *
 * Faults are one vocabulary for every dialect. A dialect only supplies the native answer
 * for the faults that are answers (status + body + headers) and for an error in the
 * middle of a stream; reset, hang and unreadable bodies are the core's business.
 */

export const DIALECT_NAMES = ['openai', 'azure', 'anthropic', 'gemini', 'ollama', 'cohere'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

/** The shared fault vocabulary: what a check can ask the mock to do to the next chat. */
export type MockFault = 'ok' | 'unauthorized' | 'not-found' | 'rate-limit' | 'server-error' | 'unavailable' | 'reset' | 'hang' | 'malformed' | 'mid-stream-error' | 'slow';

/** `slow` is no fault to the plugin: the ordinary answer, after a pause (see MockUpstreamOptions.slowMs). */
export const MOCK_FAULTS: readonly MockFault[] = ['ok', 'unauthorized', 'not-found', 'rate-limit', 'server-error', 'unavailable', 'reset', 'hang', 'malformed', 'mid-stream-error', 'slow'];

/** Faults a dialect answers with its own status, body and headers. */
export type AnswerFault = 'unauthorized' | 'not-found' | 'rate-limit' | 'server-error' | 'unavailable' | 'bad-request' | 'unknown-route';

export interface FaultContext {
  model: string;
  retryAfterSeconds: number;
  /** For bad-request and unknown-route: what was wrong. */
  detail?: string;
}

export interface NativeAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A chat request in common terms, as a dialect reads its own wire format. */
export interface CommonChat {
  /** From the body, or from the URL for dialects that put it there (Gemini, Azure). */
  model: string | undefined;
  /** The system prompt, wherever the dialect carries it; undefined when none. */
  system: string | undefined;
  /** The conversation without the system prompt, roles as the dialect names them. */
  messages: { role: string; content: string }[];
  temperature: unknown;
  maxTokens: unknown;
  stream: boolean;
}

/** What the mock replies, before a dialect dresses it. */
export interface Reply {
  id: string;
  model: string;
  text: string;
  /** The text cut into the pieces a stream sends, in order. */
  pieces: string[];
  promptTokens: number;
  completionTokens: number;
  created: number;
  /** Ask for a usage chunk (OpenAI's stream_options.include_usage). */
  includeUsage: boolean;
}

export type RouteKind = 'chat' | 'models';

export interface RouteMatch {
  kind: RouteKind;
  /** Model named by the URL (Gemini, Azure deployments). */
  model?: string;
  /** Streaming chosen by the URL (Gemini's streamGenerateContent). */
  stream?: boolean;
}

export interface IncomingRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
}

export interface Dialect {
  name: DialectName;
  /** How people call it: "Anthropic Messages". */
  title: string;
  /** The chat path, for reports and docs: "POST /v1/messages". */
  chatPath: string;
  /** Where the key goes, for messages: "x-api-key: <api_key>". */
  authHint: string;
  /** A request this dialect serves, or undefined. `sure` is false for paths others share. */
  route(request: IncomingRequest): (RouteMatch & { sure: boolean }) | undefined;
  /** The key as this dialect carries it (header or query), or undefined. */
  key(request: IncomingRequest): string | undefined;
  /** The body in common terms, or a sentence saying what is wrong (a 400). */
  read(body: unknown, route: RouteMatch, request: IncomingRequest): CommonChat | string;
  completion(reply: Reply): unknown;
  /** Content type and frames of a stream; each frame is written as is, spaced out. */
  stream: { contentType: string; frames(reply: Reply): string[]; error(ctx: FaultContext): string; garbage: string };
  models(ids: readonly string[]): unknown;
  answer(fault: AnswerFault, ctx: FaultContext): NativeAnswer;
}
