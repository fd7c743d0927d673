/**
 * A start that failed without a known cause still says what to do in dev, in dev's
 * terms: the runtime's hints name `test` flags dev does not have, and used to be dropped
 * whole, so a plugin that never answered /health got no advice at all.
 */
import { describe, expect, it } from 'vitest';
import { describeStartFailure } from '../../src/core/dev/attempt-failures.js';
import { LoomPluginError } from '../../src/core/errors.js';

const notReady = (details: Record<string, unknown>, hint = 'Check ...; raise --startup-timeout if it is just slow.') =>
  new LoomPluginError('E_PLUGIN_NOT_READY', 'The plugin did not answer GET http://localhost:1234/health within 30000 ms.', { hint, details });

describe('dev start-failure hints', () => {
  it('a plugin that never answered: listen on PORT, with no flag dev lacks', () => {
    const { hint } = describeStartFailure(notReady({ lastAttempt: 'ECONNREFUSED' }));
    expect(hint).toContain('PORT environment variable');
    expect(hint).not.toContain('--');
  });

  it('one that answers on the manifest port: read PORT (not "--endpoint", a test flag)', () => {
    const { hint } = describeStartFailure(notReady({ lastAttempt: 'ECONNREFUSED', listensOn: 'http://localhost:9100' }, 'Read PORT, or pass --endpoint http://localhost:9100.'));
    expect(hint).toBe('Read the port from the PORT environment variable: dev starts every version on a new free port.');
  });

  it('a /health that never answers keeps the runtime hint, which fits', () => {
    const runtime = 'It accepts connections but GET /health never answered: make /health answer at once, even before /initialize.';
    expect(describeStartFailure(notReady({ lastAttempt: 'no answer within 2000 ms' }, runtime)).hint).toBe(runtime);
  });

  it('a plugin that exited: fix and save, dev starts it again', () => {
    const exited = new LoomPluginError('E_PLUGIN_START', 'The plugin exited with code 1 before it answered /health.', { hint: 'fix the error and run again.', details: { stderrTail: 'boom' } });
    expect(describeStartFailure(exited)).toMatchObject({ step: 'start', stderrTail: 'boom', hint: expect.stringContaining('save: dev starts it again') });
  });
});
