/**
 * The shapes the checks and the runner share with SuiteContext (context.ts): the plugin's
 * lifecycle state, config values, what the mock received, a check's implementation, the
 * context's options and a provoked fault. Kept apart from the class: they are most of
 * what the check modules import, and none of them is code.
 */
import type { Manifest } from '../../manifest/types.js';
import type { PluginClient } from '../../runtime/http-client.js';
import type { MockUpstream } from '../../runtime/mock-upstream.js';
import type { CommonChat } from '../../runtime/dialects/types.js';
import type { TestProfile } from '../types.js';
import type { RequestTrail } from '../request-trail.js';
import type { SuiteContext } from './context.js';

/**
 * fresh: nothing initialized it yet. ready: initialized by us with the good config.
 * clean: after a successful /cleanup. dirty: anything else (bad config sent, {} used,
 * a failed call): the runner reloads it (cleanup + initialize) before the next check.
 */
export type PluginState = 'fresh' | 'ready' | 'clean' | 'dirty';

export type ConfigValues = Record<string, string | number | boolean>;

export interface UpstreamChat {
  headers: Record<string, string>;
  body: unknown;
  /** The request read in its dialect's terms, when the mock could read it. */
  chat?: CommonChat;
  /** Why the mock could not read it in its dialect. */
  unreadable?: string;
  /** The key where the dialect carries it. */
  key?: string;
}

export interface CheckImpl {
  /** Where the plugin must be before the check: the runner gets it there (`any`: it does not matter). */
  needs: 'fresh' | 'uninitialized' | 'ready' | 'any';
  /** Needs the mock upstream wired into the plugin's config (skipped otherwise). */
  upstream?: boolean;
  /** For a check that mostly waits: how long it holds the plugin (see background-check.ts). */
  waitMs?(ctx: SuiteContext): number | undefined;
  run(ctx: SuiteContext): Promise<void>;
}

export interface SuiteContextOptions {
  manifest: Manifest;
  client: PluginClient;
  mock: MockUpstream | undefined;
  /** Why upstream checks cannot run, or undefined when they can. */
  upstreamUnavailable: string | undefined;
  initConfig: ConfigValues;
  secrets: string[];
  timeoutMs: number;
  /** POST /initialize's budget (see SuiteOptions). */
  initializeTimeoutMs: number;
  configInEnv: boolean;
  attached: boolean;
  upstreamField: string;
  /** Whose rules to enforce. Default `loom-host`. */
  profile?: TestProfile;
  /** The manifest file that was read (the host rules look at its name and neighbours). */
  manifestFile?: string;
  /** Receives the notes host rules leave under --profile guide. */
  onNote?: (note: string) => void;
  /** Records each request, so a crash can be traced to the one the plugin died on. */
  trail?: RequestTrail;
}

/** One provoked fault: its marker goes into the chat's text; `end()` when the check is done. */
export interface FaultCase {
  id: string;
  text: string;
  end(): void;
}
