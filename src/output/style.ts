import { Chalk, type ChalkInstance } from 'chalk';
import type { CliIo, OutStream } from './io.js';

/**
 * Colour decision, made here rather than by chalk because chalk ignores NO_COLOR.
 * Order: --no-color flag, NO_COLOR (any non-empty value), FORCE_COLOR, then TTY-ness.
 * Machine formats (--json etc.) never call this: they are plain by construction.
 */
export function colorLevel(stream: OutStream, env: NodeJS.ProcessEnv, noColorFlag = false): 0 | 1 | 2 | 3 {
  if (noColorFlag) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2') return 2;
    if (force === '3') return 3;
    return 1;
  }
  if (!stream.isTTY) return 0;
  if (env.TERM === 'dumb') return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (env.TERM?.includes('256')) return 2;
  return 1;
}

export function createStyle(io: CliIo, stream: OutStream = io.stdout): ChalkInstance {
  return new Chalk({ level: colorLevel(stream, io.env, io.noColor) });
}

/** Spinners and live progress only on a real terminal, never in CI logs. */
export function canAnimate(io: CliIo, stream: OutStream = io.stderr): boolean {
  return Boolean(stream.isTTY) && io.env.CI === undefined && io.env.TERM !== 'dumb';
}
