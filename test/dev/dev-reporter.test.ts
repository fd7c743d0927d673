/**
 * The dev host's terminal lines: a failed start names the step and error once, and the
 * plugin's stderr is not printed twice when its output was already shown live.
 */
import { describe, expect, it } from 'vitest';
import { createDevReporter } from '../../src/output/dev-reporter.js';
import type { StampedEvent } from '../../src/core/dev/types.js';
import { memoryIo } from '../helpers/memory-io.js';

const failedStart: StampedEvent = {
  type: 'attempt',
  key: 'acme',
  seq: 1,
  time: Date.now(),
  attempt: { time: Date.now(), ok: false, reason: 'start', step: 'start', error: 'The plugin exited with code 1 before it answered /health.', stderrTail: 'Error: Cannot find package express', durationMs: 40 },
};

describe('dev terminal reporter', () => {
  it('with live logs: the verdict line, not the stderr tail again', () => {
    const io = memoryIo({ env: { NO_COLOR: '1' } });
    createDevReporter(io)(failedStart);
    expect(io.stdout.text).toContain('[acme] ✗ start failed at start: The plugin exited with code 1');
    expect(io.stdout.text).not.toContain('Cannot find package express');
  });

  it('without live logs: the stderr tail under the verdict', () => {
    const io = memoryIo({ env: { NO_COLOR: '1' } });
    createDevReporter(io, { showLogs: false })(failedStart);
    expect(io.stdout.text).toContain('✗ start failed at start');
    expect(io.stdout.text).toContain('Cannot find package express');
  });
});
