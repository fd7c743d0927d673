/** How a failed build or start reads in an attempt record: step, message, output tail. */
import { isLoomPluginError } from '../errors.js';
import { LoadError } from './plugin-instance.js';
import type { AttemptInfo } from './types.js';

export interface StartFailure {
  step: string;
  message: string;
  stderrTail: string | undefined;
  hint?: string;
}

export function describeStartFailure(error: unknown): StartFailure {
  const step = error instanceof LoadError ? error.step : 'start';
  const stderrTail = error instanceof LoadError ? error.stderrTail : tailFromError(error);
  // A start failure with a known cause says what to run (npm install, go build...).
  const message = isLoomPluginError(error) && error.hint && error.details?.diagnosis ? `${error.message} ${error.hint}` : (error as Error).message;
  const hint = startHint(error);
  return { step, message, stderrTail, ...(hint ? { hint } : {}) };
}

/**
 * What to do about a start that failed without a known cause, in dev's terms: the
 * runtime's own hints speak of `test` flags (--startup-timeout, --endpoint) dev has not,
 * so they were dropped, and a plugin that never answered said nothing but "did not answer".
 */
function startHint(error: unknown): string | undefined {
  if (!isLoomPluginError(error) || error.details?.diagnosis) return undefined;
  if (error.code === 'E_PLUGIN_START') return 'Fix what it printed above and save: dev starts it again (the previous version, if any, keeps serving).';
  if (error.code !== 'E_PLUGIN_NOT_READY') return undefined;
  const listensOn = error.details?.listensOn;
  if (typeof listensOn === 'string' && listensOn.includes('://')) return 'Read the port from the PORT environment variable: dev starts every version on a new free port.';
  // Another loopback address, or a /health that never answers: the runtime's hint fits as it is.
  if (typeof listensOn === 'string' || String(error.details?.lastAttempt ?? '').startsWith('no answer')) return error.hint;
  return 'Check that the plugin listens on the port in the PORT environment variable (dev gives every start a new one) and answers GET /health at once.';
}

/** The attempt record of a failed build, carrying the compiler's output and hint. */
export function describeBuildFailure(error: unknown): Partial<AttemptInfo> & { error: string } {
  const message = (error as Error).message;
  const details = isLoomPluginError(error) ? error.details : undefined;
  const buildOutput = typeof details?.buildOutput === 'string' ? details.buildOutput : undefined;
  const hint = isLoomPluginError(error) ? error.hint : undefined;
  return {
    step: 'build',
    error: message,
    ...(buildOutput ? { buildOutput } : {}),
    ...(hint ? { hint } : {}),
    ...(typeof details?.durationMs === 'number' ? { buildMs: details.durationMs } : {}),
  };
}

function tailFromError(error: unknown): string | undefined {
  if (isLoomPluginError(error) && typeof error.details?.stderrTail === 'string') return error.details.stderrTail;
  return undefined;
}
