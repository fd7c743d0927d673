/**
 * Lifecycle checks: calls before /initialize, initialize with good and bad config,
 * repeated initialize, `{}` with config in the environment, cleanup, and the host's load
 * sequence and reload on the same process.
 */
import { configEnvName } from '../../protocol.js';
import {
  describeAnswer,
  expect200Json,
  expectErrorAnswer,
  expectJsonObject,
  expectWireSchema,
  expectSchema,
  fail,
  isObject,
  skip,
} from '../check-helpers.js';
import type { CheckImpl, SuiteContext } from './context.js';
import { missingField, provoke } from './provocations.js';

/** GET /health answers 200, valid, healthy: true. */
export async function expectHealthy(ctx: SuiteContext, after: string): Promise<void> {
  const exchange = await ctx.request('GET', '/health');
  const body = expectJsonObject(exchange, `GET /health ${after}`);
  await expectWireSchema('health', exchange.bodyText, `GET /health ${after}`, exchange);
  if (body.healthy !== true) {
    fail(`GET /health ${after} reports healthy: ${JSON.stringify(body.healthy)}.`, { expected: 'healthy: true', exchange });
  }
}

/** A basic completion through the mock answers 200 (skipped silently without a mock). */
async function expectServing(ctx: SuiteContext, after: string): Promise<void> {
  if (!ctx.hasUpstream) return;
  const exchange = await ctx.chat(await ctx.basicRequest());
  expect200Json(exchange, `A chat request ${after}`);
}

async function firstChatBeforeInit(ctx: SuiteContext): Promise<void> {
  // Not ctx.model(): /models may refuse before /initialize too, and that must not stick.
  const model = ctx.hasUpstream ? (ctx.mock.models[0] ?? 'loom-plugin-test-model') : 'loom-plugin-test-model';
  // breaker: false, so a plugin that hangs only before /initialize costs this one
  // timeout without marking every later chat request as "timed out earlier".
  const exchange = await ctx.chat({ model, messages: [{ role: 'user', content: 'Are you initialized?' }] }, { breaker: false });
  await expectErrorAnswer(exchange, 'A chat request before /initialize');
}

/**
 * A required field left out of a non-empty config is refused with invalid_request, or
 * filled from LOOM_CONFIG_<NAME> (a per-field environment fallback, as the templates do).
 * Accepting it and then running without it is the failure.
 */
async function missingFieldRefused(ctx: SuiteContext): Promise<void> {
  const exchange = await provoke(ctx, 'config-missing-field');
  const field = missingField(ctx)?.name ?? '?';
  const what = `/initialize without the required field "${field}"`;
  if (exchange.status === 200 && ctx.configInEnv) {
    const env = configEnvName(field);
    const observable = ctx.hasUpstream && (field === 'api_key' || field === ctx.upstreamField);
    if (!observable) {
      skip(`${what} answered 200; the plugin may have taken the value from ${env}, which cannot be told apart from not checking the config`);
    }
    const chat = await ctx.chat(await ctx.basicRequest());
    if (chat.status === 200) return; // filled from the environment
    if (chat.error?.kind === 'skipped') {
      // An earlier check's timeout kept the chat unsent: that hang is its verdict, not a
      // second one here. Failing on the unsent chat lets the runner call this check blocked
      // by that one, or send again; forgotten, the provocation is sent again with it, so
      // the chat follows its own /initialize and not the runner's cleanup.
      ctx.forget('provoke:config-missing-field');
      fail(`${what} answered 200, and the chat request that would show whether ${env} filled it in was not sent.`, { exchange: chat });
    }
    fail(`${what} answered 200 although ${env} did not fill it in: the next chat request answered ${describeAnswer(chat)}.`, {
      expected: `invalid_request, or the value taken from ${env}`,
      exchange,
    });
  }
  if (exchange.status === 200 && ctx.attached) {
    // Its environment is not ours to see: the shipped host needs this very fallback.
    skip(
      `${what} answered 200; loom-plugin did not start this plugin (--endpoint), so it may have taken the value from ${configEnvName(field)} in its environment ` +
        '(as the shipped host needs), which cannot be told apart from not checking the config',
    );
  }
  await expectErrorAnswer(exchange, what, 'invalid_request');
}

export const LIFECYCLE_CHECKS: Record<string, CheckImpl> = {
  'lifecycle.before-initialize': { needs: 'fresh', run: firstChatBeforeInit },

  'lifecycle.initialize': {
    needs: 'uninitialized',
    async run(ctx) {
      expectJsonObject(await ctx.initialize(ctx.initConfig), 'POST /initialize');
    },
  },

  'lifecycle.reinitialize': {
    needs: 'uninitialized',
    async run(ctx) {
      expectJsonObject(await ctx.initialize(ctx.initConfig), 'The first POST /initialize');
      expectJsonObject(await ctx.initialize(ctx.initConfig), 'A second POST /initialize (no /cleanup between)');
      await expectHealthy(ctx, 'after a second /initialize');
      await expectServing(ctx, 'after a second /initialize');
    },
  },

  'lifecycle.initialize-empty': {
    needs: 'uninitialized',
    async run(ctx) {
      if (!ctx.configInEnv) skip('the plugin was not started by loom-plugin, so its environment holds no LOOM_CONFIG_* values');
      const exchange = await ctx.initialize({}, false);
      expectJsonObject(exchange, 'POST /initialize with {} (config in LOOM_CONFIG_* env vars)');
      await expectHealthy(ctx, 'after /initialize with {}');
      await expectServing(ctx, 'after /initialize with {}');
    },
  },

  'lifecycle.config-missing-field': { needs: 'uninitialized', run: missingFieldRefused },

  'lifecycle.config-wrong-type': {
    needs: 'uninitialized',
    async run(ctx) {
      await expectErrorAnswer(await provoke(ctx, 'config-wrong-type'), '/initialize with a config value of the wrong type', 'invalid_request');
    },
  },

  'lifecycle.cleanup': {
    needs: 'ready',
    async run(ctx) {
      expectJsonObject(await ctx.cleanup(), 'POST /cleanup (no body, as the host sends it)');
    },
  },

  'lifecycle.health-after-cleanup': {
    needs: 'ready',
    async run(ctx) {
      const cleanup = await ctx.cleanup();
      if (ctx.state !== 'clean') fail(`POST /cleanup answered ${cleanup.status ?? 'nothing'}, so health after cleanup could not be checked.`, { exchange: cleanup });
      const exchange = await ctx.request('GET', '/health');
      expect200Json(exchange, 'GET /health after /cleanup');
      await expectWireSchema('health', exchange.bodyText, 'GET /health after /cleanup', exchange);
    },
  },

  'lifecycle.reload': {
    needs: 'ready',
    async run(ctx) {
      expectJsonObject(await ctx.cleanup(), 'Reload step 1, POST /cleanup (no body, as the host sends it),');
      // The host's reload is its load sequence again: /initialize with {}, the config only
      // in the LOOM_CONFIG_* variables the process started with (read them again: a plugin
      // that forgot them at /cleanup is not serving after the host's reload).
      const hostBody = ctx.profile === 'loom-host' && !ctx.attached && ctx.configInEnv;
      const again = await ctx.initialize(hostBody ? {} : ctx.initConfig, !hostBody);
      const body = expect200Json(again, `Reload step 2, POST /initialize${hostBody ? ' with {} (as the host sends it)' : ''} on the same process,`);
      if (!isObject(body)) fail('Reload step 2, POST /initialize, answered JSON that is not an object.', { exchange: again });
      const after = hostBody ? 'after the reload (/cleanup, then /initialize with {} as the host sends it)' : 'after the reload';
      await expectHealthy(ctx, after);
      await expectServing(ctx, after);
    },
  },
};
