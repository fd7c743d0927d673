/**
 * The shapes the page reads from the dev host's API. They are the host's own types
 * (src/core/dev/types.ts and what it uses), read through the declarations the main build
 * emits first (`npm run build` compiles src/ before ui/): the page's sources stay under
 * ui/src (its output layout) and a change in the host's types that the page does not
 * follow fails the page's type-check instead of drifting.
 */
import type { AttemptInfo, RequestLogEntry, StampedEvent } from '../../dist/core/dev/types.js';

export type { CheckResult } from '../../dist/core/conformance/types.js';
export type { ConfigField, Diagnostic } from '../../dist/core/manifest/types.js';
export type { ConformanceStreamEvent, HandCallResult, HealthSample, PluginView } from '../../dist/core/dev/types.js';

export type Attempt = AttemptInfo;
export type RequestEntry = RequestLogEntry;
/** What /api/events sends: every event of the host, stamped. */
export type DevEvent = StampedEvent;

/** A line of a plugin's log panel: its own output, or a notice of the host about it. */
export interface LogLine {
  stream: Extract<DevEvent, { type: 'log' }>['stream'] | 'notice';
  text: string;
}

