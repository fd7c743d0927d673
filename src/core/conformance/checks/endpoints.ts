/**
 * /metadata, /health and /models: exact 200, JSON, schema with the host's strict types,
 * and what the bodies must say (metadata equal to the manifest, healthy, unique models).
 */
import { CAPABILITIES } from '../../protocol.js';
import type { Exchange } from '../../runtime/http-client.js';
import {
  expect200Json,
  expectJsonObject,
  expectWireSchema,
  expectSchema,
  fail,
} from '../check-helpers.js';
import type { CheckImpl, SuiteContext } from './context.js';
import { expectHealthy } from './lifecycle.js';

function metadataExchange(ctx: SuiteContext): Promise<Exchange> {
  return ctx.memo('metadata', () => ctx.client.request('GET', '/metadata'));
}

async function metadataBody(ctx: SuiteContext): Promise<Record<string, unknown>> {
  const exchange = ctx.use(await metadataExchange(ctx));
  return expectJsonObject(exchange, 'GET /metadata');
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function compareFields(ctx: SuiteContext, body: Record<string, unknown>, fields: readonly string[]): string[] {
  const manifest = ctx.manifest.metadata as unknown as Record<string, unknown>;
  const differences: string[] = [];
  for (const field of fields) {
    if (manifest[field] === undefined) continue; // nothing declared, nothing to match
    if (!same(body[field], manifest[field])) {
      differences.push(`${field}: /metadata says ${JSON.stringify(body[field]) ?? 'nothing'}, the manifest says ${JSON.stringify(manifest[field])}`);
    }
  }
  return differences;
}

export const ENDPOINT_CHECKS: Record<string, CheckImpl> = {
  'metadata.schema': {
    needs: 'ready',
    async run(ctx) {
      const body = await metadataBody(ctx);
      await expectSchema('metadata', body, 'GET /metadata', ctx.lastExchange);
    },
  },

  'metadata.matches-manifest': {
    needs: 'ready',
    async run(ctx) {
      const body = await metadataBody(ctx);
      const differences = compareFields(ctx, body, ['name', 'version', 'provider_type', 'plugin_api_version']);
      const declared = ctx.manifest.metadata.capabilities ?? {};
      const served = (body.capabilities ?? {}) as Record<string, unknown>;
      for (const capability of CAPABILITIES) {
        if (Boolean(declared[capability]) !== Boolean(served[capability])) {
          differences.push(`capabilities.${capability}: /metadata says ${JSON.stringify(served[capability]) ?? 'nothing'}, the manifest says ${String(Boolean(declared[capability]))}`);
        }
      }
      const manifestNames = (ctx.manifest.metadata.config_schema ?? []).map((field) => field.name).sort();
      const servedNames = (Array.isArray(body.config_schema) ? body.config_schema : [])
        .map((field: unknown) => (field && typeof field === 'object' ? String((field as { name?: unknown }).name) : '?'))
        .sort();
      if (!same(manifestNames, servedNames)) {
        differences.push(`config_schema names: /metadata says [${servedNames.join(', ')}], the manifest says [${manifestNames.join(', ')}]`);
      }
      if (differences.length > 0) {
        fail(`/metadata differs from the manifest in ${differences.length === 1 ? '1 field' : `${differences.length} fields`}.`, {
          expected: "the manifest's metadata, field for field",
          // Where the fix goes: code that repeats metadata drifts; reading the manifest cannot.
          details: [...differences, 'Fix: serve the manifest\'s metadata instead of a copy in code (the init templates read plugin.json, written from plugin.yaml by loom-plugin sync).'],
        });
      }
    },
  },

  'metadata.descriptive-fields': {
    needs: 'ready',
    async run(ctx) {
      const differences = compareFields(ctx, await metadataBody(ctx), ['description', 'author', 'homepage', 'license']);
      if (differences.length > 0) {
        fail(`/metadata differs from the manifest in ${differences.length === 1 ? '1 descriptive field' : `${differences.length} descriptive fields`}.`, {
          expected: "the manifest's description, author, homepage and license",
          details: differences,
        });
      }
    },
  },

  'health.schema': {
    needs: 'ready',
    async run(ctx) {
      const exchange = await ctx.request('GET', '/health');
      expect200Json(exchange, 'GET /health');
      await expectWireSchema('health', exchange.bodyText, 'GET /health', exchange);
    },
  },

  'health.healthy': {
    needs: 'ready',
    run: (ctx) => expectHealthy(ctx, 'after /initialize'),
  },

  'models.schema': {
    needs: 'ready',
    async run(ctx) {
      const exchange = ctx.use(await ctx.modelsExchange());
      const body = expect200Json(exchange, 'GET /models');
      if (!Array.isArray(body)) {
        fail('GET /models answered a JSON object; the host decodes a bare JSON array of models.', {
          expected: '[{"id": ..., "name": ...}, ...] (not {"data": [...]})',
          exchange,
        });
      }
      await expectWireSchema('models', exchange.bodyText, 'GET /models', exchange);
    },
  },

  'models.non-empty-unique': {
    needs: 'ready',
    async run(ctx) {
      const exchange = ctx.use(await ctx.modelsExchange());
      const body = expect200Json(exchange, 'GET /models');
      if (!Array.isArray(body)) fail('GET /models is not a JSON array, so its models cannot be counted.', { exchange });
      if (body.length === 0) fail('GET /models lists no model.', { expected: 'at least one model', exchange });
      const ids = body.map((model: unknown) => (model && typeof model === 'object' ? (model as { id?: unknown }).id : undefined));
      const seen = new Set<unknown>();
      const duplicates = new Set<string>();
      for (const id of ids) {
        if (seen.has(id)) duplicates.add(String(id));
        seen.add(id);
      }
      if (duplicates.size > 0) {
        fail(`GET /models lists ${duplicates.size === 1 ? 'an id' : 'ids'} more than once: ${[...duplicates].join(', ')}.`, { expected: 'unique model ids', exchange });
      }
    },
  },
};
