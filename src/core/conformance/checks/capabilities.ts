/**
 * Function calling and vision (only when the manifest declares them): the request shape
 * is accepted, and what makes it special (tools, an image part) reaches the upstream.
 */
import { fail, isObject } from '../check-helpers.js';
import type { CheckImpl, SuiteContext } from './context.js';
import { expectCompletion } from './chat.js';

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'loom_plugin_test_weather',
    description: 'Current weather for a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** A 1x1 transparent PNG. */
export const TEST_IMAGE_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** Sends a request and returns what the mock received of it (undefined without a mock). */
async function sendAndCapture(ctx: SuiteContext, request: Record<string, unknown>, what: string) {
  if (ctx.hasUpstream) ctx.mock.reset();
  await expectCompletion(await ctx.chat(request), what);
  return ctx.hasUpstream ? ctx.lastUpstreamChat(what).body : undefined;
}

export const CAPABILITY_CHECKS: Record<string, CheckImpl> = {
  'capabilities.function-calling': {
    needs: 'ready',
    async run(ctx) {
      const request = { ...(await ctx.basicRequest('What is the weather in Lisbon?')), tools: [WEATHER_TOOL], tool_choice: 'auto' };
      const upstream = await sendAndCapture(ctx, request, 'A chat request with tools');
      if (!upstream) return;
      // Each dialect nests tools its own way (functionDeclarations, input_schema...): the
      // tool's name anywhere in the upstream request is what shows it was passed on.
      if (!JSON.stringify(upstream).includes(JSON.stringify(WEATHER_TOOL.function.name))) {
        fail('The tools of a chat request did not reach the upstream.', {
          expected: `the upstream request carries tools with "${WEATHER_TOOL.function.name}"`,
          details: [`upstream tools: ${JSON.stringify(upstream.tools) ?? 'none'}`.slice(0, 200)],
        });
      }
    },
  },

  'capabilities.vision': {
    needs: 'ready',
    async run(ctx) {
      const base = await ctx.basicRequest();
      const request = {
        ...base,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in this image?' },
              { type: 'image_url', image_url: { url: TEST_IMAGE_URL } },
            ],
          },
        ],
      };
      const upstream = await sendAndCapture(ctx, request, 'A chat request with an image_url part');
      if (!upstream) return;
      // Dialects carry images differently (a data URL, or the base64 data with the media
      // type apart): the image's bytes anywhere in the upstream request count.
      if (!JSON.stringify(upstream).includes(TEST_IMAGE_URL.slice(TEST_IMAGE_URL.indexOf(',') + 1))) {
        fail('The image_url part of a chat request did not reach the upstream.', {
          expected: "the upstream request carries the image (same data, in the dialect's image form)",
          details: [`upstream messages: ${JSON.stringify(upstream.messages) ?? 'none'}`.slice(0, 200)],
        });
      }
    },
  },
};
