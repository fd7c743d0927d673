/** How a failed build or start reads in an attempt record: step, message, output tail. */
import { isLoomPluginError } from '../errors.js';
import { LoadError } from './plugin-instance.js';
import type { AttemptInfo } from './types.js';

export interface StartFailure {
  step: string;
  message: string;
  stderrTail: string | undefined;
}

export function describeStartFailure(error: unknown): StartFailure {
  const step = error instanceof LoadError ? error.step : 'start';
  const stderrTail = error instanceof LoadError ? error.stderrTail : tailFromError(error);
  // A start failure with a known cause says what to run (npm install, go build...).
  const message = isLoomPluginError(error) && error.hint && error.details?.diagnosis ? `${error.message} ${error.hint}` : (error as Error).message;
  return { step, message, stderrTail };
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
