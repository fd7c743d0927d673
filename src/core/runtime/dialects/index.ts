/**
 * The dialects the mock upstream speaks, and how it tells which one a plugin uses: the
 * first request on a route only one dialect serves decides (a pinned dialect decides
 * alone). Adding a dialect: a folder beside these with `faults.ts` (its native error
 * answers, as data) and `index.ts` (routes, key, bodies, stream framing) exporting a
 * `Dialect`, and one line in DIALECTS.
 */
import { anthropic } from './anthropic/index.js';
import { azure } from './azure/index.js';
import { cohere } from './cohere/index.js';
import { gemini } from './gemini/index.js';
import { ollama } from './ollama/index.js';
import { openai } from './openai/index.js';
import type { Dialect, DialectName, IncomingRequest, RouteMatch } from './types.js';

export * from './types.js';

/** In matching order: OpenAI last, its paths are the most generic. */
export const DIALECTS: readonly Dialect[] = [azure, anthropic, gemini, ollama, cohere, openai];

export function findDialect(name: string): Dialect | undefined {
  return DIALECTS.find((dialect) => dialect.name === name);
}

export function dialectNames(): DialectName[] {
  return DIALECTS.map((dialect) => dialect.name).sort() as DialectName[];
}

export interface Routed {
  dialect: Dialect;
  match: RouteMatch;
  /** Whether this request tells the dialect apart from the others. */
  sure: boolean;
}

/**
 * The dialect that serves a request: the pinned one only; else the detected one first,
 * then the first that is sure the request is its own, then (for a shared path) OpenAI.
 */
export function routeRequest(request: IncomingRequest, pinned: Dialect | undefined, detected: Dialect | undefined): Routed | undefined {
  const candidates = pinned ? [pinned] : detected ? [detected, ...DIALECTS.filter((d) => d !== detected)] : DIALECTS;
  const found: Routed[] = [];
  for (const dialect of candidates) {
    const match = dialect.route(request);
    if (!match) continue;
    const { sure, ...rest } = match;
    // The detected (or pinned) dialect serves its own paths, sure or not.
    if (sure || dialect === detected || dialect === pinned) return { dialect, match: rest, sure };
    found.push({ dialect, match: rest, sure });
  }
  // A path several dialects share, and nothing decided yet: answer as OpenAI, the most common.
  return found.find((routed) => routed.dialect.name === 'openai') ?? found[0];
}
