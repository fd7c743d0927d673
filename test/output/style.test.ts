import { describe, expect, it } from 'vitest';
import { colorLevel, createStyle, canAnimate } from '../../src/output/style.js';
import { canPrompt } from '../../src/output/io.js';
import { memoryIo, MemoryStream } from '../helpers/memory-io.js';

describe('colour decision', () => {
  const tty = new MemoryStream(true);
  const pipe = new MemoryStream(false);
  const cases: Array<[string, MemoryStream, NodeJS.ProcessEnv, boolean, number]> = [
    ['pipe: no colour', pipe, {}, false, 0],
    ['tty: colour', tty, {}, false, 1],
    ['tty + 256 colours', tty, { TERM: 'xterm-256color' }, false, 2],
    ['tty + truecolor', tty, { COLORTERM: 'truecolor' }, false, 3],
    ['NO_COLOR wins over a tty', tty, { NO_COLOR: '1' }, false, 0],
    ['NO_COLOR wins over FORCE_COLOR', pipe, { NO_COLOR: '1', FORCE_COLOR: '1' }, false, 0],
    ['empty NO_COLOR is ignored (per no-color.org)', tty, { NO_COLOR: '' }, false, 1],
    ['FORCE_COLOR on a pipe', pipe, { FORCE_COLOR: '1' }, false, 1],
    ['FORCE_COLOR=3', pipe, { FORCE_COLOR: '3' }, false, 3],
    ['FORCE_COLOR=0 on a tty', tty, { FORCE_COLOR: '0' }, false, 0],
    ['--no-color wins over FORCE_COLOR', tty, { FORCE_COLOR: '3' }, true, 0],
    ['dumb terminal', tty, { TERM: 'dumb' }, false, 0],
  ];
  it.each(cases)('%s', (_name, stream, env, flag, expected) => {
    expect(colorLevel(stream, env, flag)).toBe(expected);
  });

  it('createStyle emits ANSI codes only when colour is on', () => {
    const plain = createStyle({ ...memoryIo({ env: { NO_COLOR: '1' } }) });
    expect(plain.red('x')).toBe('x');
    const forced = createStyle({ ...memoryIo({ env: { FORCE_COLOR: '1' } }) });
    expect(forced.red('x')).toBe('\u001b[31mx\u001b[39m');
  });

  it('animates and prompts only on a terminal outside CI', () => {
    expect(canAnimate(memoryIo({ tty: true, env: {} }))).toBe(true);
    expect(canAnimate(memoryIo({ tty: true, env: { CI: 'true' } }))).toBe(false);
    expect(canAnimate(memoryIo({ tty: false, env: {} }))).toBe(false);
    expect(canPrompt(memoryIo({ tty: true, env: {} }))).toBe(true);
    expect(canPrompt(memoryIo({ tty: true, env: { CI: 'true' } }))).toBe(false);
    expect(canPrompt(memoryIo({ tty: false, env: {} }))).toBe(false);
  });
});
