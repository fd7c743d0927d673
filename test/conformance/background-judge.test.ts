/**
 * A check judged while the timeout check waits in the background is judged again in place
 * only when it failed (BackgroundChecks.judgeInForeground): a skip, such as a capability
 * the manifest does not declare, must not wait for the background check to end, or every
 * plugin without streaming would lose the overlap at its first streaming check.
 */
import { describe, expect, it } from 'vitest';
import { BackgroundChecks, type TimedVerdict } from '../../src/core/conformance/background-check.js';
import type { SuiteContext } from '../../src/core/conformance/checks/context.js';
import type { CheckInfo } from '../../src/core/conformance/types.js';

const CHECK = { id: 'streaming.content-type', level: 'required', title: 't', group: 'streaming' } as unknown as CheckInfo;

function judged(verdicts: TimedVerdict['status'][]) {
  let waited = 0;
  const calls: string[] = [];
  const ctx = {
    backgroundRunning: true,
    forCheck: () => ctx,
    afterBackground: async () => {
      waited += 1;
    },
  } as unknown as SuiteContext;
  const background = new BackgroundChecks({
    checks: [CHECK],
    ctx,
    enabled: true,
    waitMs: () => undefined,
    judge: async (_ctx, check) => {
      calls.push(check.id);
      return { status: verdicts[calls.length - 1] ?? 'pass', durationMs: 1 };
    },
  });
  return { background, calls, waited: () => waited };
}

describe('a check judged beside the background check', () => {
  it('a failure is judged again once the background check ended', async () => {
    const run = judged(['fail', 'pass']);
    expect((await run.background.judgeInForeground(CHECK)).status).toBe('pass');
    expect(run.calls).toHaveLength(2);
    expect(run.waited()).toBe(1);
  });

  it('a skip or a pass is kept, without waiting', async () => {
    for (const status of ['skip', 'pass'] as const) {
      const run = judged([status]);
      expect((await run.background.judgeInForeground(CHECK)).status).toBe(status);
      expect(run.calls).toHaveLength(1);
      expect(run.waited()).toBe(0);
    }
  });
});
