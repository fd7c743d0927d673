/**
 * The shipped Loom host's own rules (docs/protocol.md, "What the reference Loom host does
 * differently"): it discovers only a plugin.json (its YAML decoder misses snake_case
 * keys), loads only `auto_start: true`, joins endpoint and path as plain strings, and
 * initializes with `{}`. Under the default loom-host profile a broken rule fails; under
 * --profile guide it is a note (ctx.hostRule). Each message says what the host will do.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { basename, dirname, extname, join } from 'node:path';
import { configEnvName } from '../../protocol.js';
import { describeAnswer, expect200Json, expectJsonObject, expectSchema, fail, skip } from '../check-helpers.js';
import type { CheckImpl, SuiteContext } from './context.js';
import { expectHealthy } from './lifecycle.js';

function manifestDiscovered(ctx: SuiteContext): Promise<void> {
  const file = ctx.manifestFile;
  if (!file) return Promise.resolve();
  const extension = extname(file).toLowerCase();
  if (extension !== '.yaml' && extension !== '.yml') return Promise.resolve();
  const twin = join(dirname(file), 'plugin.json');
  const name = basename(file);
  if (!existsSync(twin)) {
    ctx.hostRule(
      `${name} is YAML and there is no plugin.json beside it: the shipped host reads the snake_case keys only from JSON (a known host defect), ` +
        'so it skips this manifest ("manifest missing provider_type") and never loads the plugin.',
      { expected: `a plugin.json with the same content next to ${name} (loom-plugin sync writes it)` },
    );
  }
  // A plain parse is enough (and cheap): the manifest step already validated the YAML one.
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(twin, 'utf8'));
  } catch {
    json = undefined;
  }
  if (!isDeepStrictEqual(json, ctx.manifest)) {
    ctx.hostRule(`plugin.json differs from ${name}: the shipped host loads plugin.json, not the ${name} this run tested.`, {
      expected: `plugin.json equal to ${name} (loom-plugin sync writes it from the YAML)`,
    });
  }
  return Promise.resolve();
}

function autoStart(ctx: SuiteContext): Promise<void> {
  const value = ctx.manifest.auto_start;
  if (value !== true) {
    ctx.hostRule(
      `auto_start is ${value === undefined ? 'missing' : JSON.stringify(value)}: the shipped host loads only manifests with auto_start: true and skips this one without a log line.`,
      { expected: 'auto_start: true' },
    );
  }
  return Promise.resolve();
}

/**
 * The host reads plugin.json with os.ReadFile and decodes it with encoding/json, which
 * refuses a leading byte order mark (Notepad's "UTF-8 with BOM"): the manifest is
 * skipped. validate reads past the mark (and warns); the host does not.
 */
function jsonWithoutBom(ctx: SuiteContext): Promise<void> {
  const file = ctx.manifestFile;
  if (!file) return Promise.resolve();
  const json = extname(file).toLowerCase() === '.json' ? file : join(dirname(file), 'plugin.json');
  let head: Buffer;
  try {
    head = readFileSync(json).subarray(0, 3);
  } catch {
    return Promise.resolve(); // no plugin.json: manifest/yaml-only says so
  }
  if (head.length === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    ctx.hostRule('plugin.json starts with a byte order mark (EF BB BF): the shipped host\'s JSON decoder refuses it (invalid character \'ï\'), so the host skips the plugin.', {
      expected: 'plugin.json saved as UTF-8 without a BOM',
    });
  }
  return Promise.resolve();
}

/**
 * The host decodes `env` as map[string]string: a number or boolean there (`"PORT": 8090`,
 * what an unquoted `PORT: 8090` in YAML becomes, and what sync copies into plugin.json)
 * makes it fail to decode the whole plugin.json and skip the plugin. Values are never
 * shown: env values may be secrets.
 */
function envStrings(ctx: SuiteContext): Promise<void> {
  const file = ctx.manifestFile;
  const yaml = file !== undefined && ['.yaml', '.yml'].includes(extname(file).toLowerCase());
  const twin = yaml ? join(dirname(file), 'plugin.json') : undefined;
  // What the host reads: plugin.json (the twin of a YAML manifest), else the manifest itself.
  let read: unknown = ctx.manifest;
  let source = yaml ? `${basename(file)} (so a plugin.json written from it, as loom-plugin sync copies values as they are)` : 'plugin.json';
  if (twin && existsSync(twin)) {
    try {
      read = JSON.parse(readFileSync(twin, 'utf8'));
      source = 'plugin.json';
    } catch {
      // An unreadable twin is manifest/yaml-only's finding; judge the YAML's values.
    }
  }
  const env = (read as { env?: unknown } | undefined)?.env;
  const bare = env !== null && typeof env === 'object' && !Array.isArray(env) ? Object.entries(env).filter(([, value]) => typeof value === 'number' || typeof value === 'boolean') : [];
  if (bare.length === 0) return Promise.resolve();
  const names = bare.map(([name, value]) => `env.${name} (a ${typeof value})`).join(', ');
  ctx.hostRule(`${source} has ${names} where the shipped host decodes env as strings: it fails to decode plugin.json and skips the plugin.`, {
    expected: `every env value a string, quoted (${bare[0]![0]}: "...")`,
  });
}

/**
 * The host calls endpoint + path. A plugin tolerates the doubled slash when GET //health
 * answers as GET /health does. Redirects are followed as the host's client follows them
 * (Go's ServeMux answers //health with a 307 to /health, which keeps a POST a POST); one
 * that turns the POST /initialize into a GET fails where that POST is judged.
 */
async function joinedUrls(ctx: SuiteContext): Promise<void> {
  const endpoint = ctx.manifest.endpoint ?? '';
  if (!endpoint.endsWith('/')) return;
  const plain = await ctx.request('GET', '/health', { exactPath: true });
  const joined = await ctx.request('GET', '//health', { exactPath: true });
  if (plain.status === undefined || joined.status === plain.status) return;
  ctx.hostRule(
    `The endpoint ${JSON.stringify(endpoint)} ends in "/": the shipped host joins endpoint and path as strings and calls //initialize, //metadata and //health; ` +
      `this plugin answers GET //health with ${describeAnswer(joined)} (GET /health: ${describeAnswer(plain)}), so the host cannot load it.`,
    { expected: 'an endpoint without the trailing / (or a plugin that answers //path as /path)', exchange: joined },
  );
}

/**
 * A plugin someone else started (--endpoint) that refuses {}: it may read LOOM_CONFIG_*
 * and have been started without them, or never read them; nothing over HTTP tells which.
 */
function unknowableEnv(ctx: SuiteContext, answer: string): never {
  const names = (ctx.manifest.metadata.config_schema ?? []).filter((field) => field.required).map((field) => configEnvName(field.name));
  skip(
    `Load step 1: the shipped host sends POST /initialize with {} and this plugin answered ${answer}. loom-plugin did not start it (--endpoint), ` +
      `so it cannot tell a plugin started without its config in LOOM_CONFIG_* env vars from one that never reads them. ` +
      `Start it with ${names.length > 0 ? names.join(', ') : 'its LOOM_CONFIG_* values'} set, or let loom-plugin test start it, to have this checked.`,
  );
}

async function loadSequence(ctx: SuiteContext): Promise<void> {
  // Exactly what the host's loader does, with its headers (the client sends them). The
  // shipped host sends {}: the config reaches the plugin only as LOOM_CONFIG_* env vars.
  const hostBody = ctx.profile === 'loom-host';
  // The run initialized the plugin before and reset it with /cleanup: this {} is also the
  // one of the host's reload, which a plugin that reads its environment only at start fails.
  const afterCleanup = ctx.state === 'clean';
  const init = await ctx.initialize(hostBody ? {} : ctx.initConfig, !hostBody);
  if (hostBody && init.status !== undefined && init.status !== 200 && ctx.attached) unknowableEnv(ctx, describeAnswer(init));
  if (hostBody && init.status !== 200) {
    fail(
      `Load step 1: the shipped host sends POST /initialize with {} (config values reach the plugin only as LOOM_CONFIG_* env vars) ` +
        `and this plugin answered ${describeAnswer(init)}, so the host fails to load it.` +
        (afterCleanup
          ? ' The run had initialized it and sent /cleanup first, as the host\'s reload does: a plugin that reads LOOM_CONFIG_* only at start, or forgets them at /cleanup, fails the reload this way.'
          : ''),
      {
        expected: `HTTP 200: read each config value from LOOM_CONFIG_<NAME> when the body lacks it${ctx.configInEnv ? '' : ' (start the plugin with those variables set)'}`,
        exchange: init,
      },
    );
  }
  expect200Json(init, 'Load step 1, POST /initialize,');
  // Steps 2 and 4 read bodies whose shape has checks of their own: a broken shape is
  // reported there, once, and blocks this check instead of failing it a second time.
  ctx.unlessFailed('metadata.schema');
  const metadata = await ctx.request('GET', '/metadata');
  const body = expectJsonObject(metadata, 'Load step 2, GET /metadata,');
  await expectSchema('metadata', body, 'Load step 2, GET /metadata,', metadata);
  const wanted = ctx.manifest.metadata.provider_type;
  if (body.provider_type !== wanted) {
    fail(`Load step 3: /metadata says provider_type ${JSON.stringify(body.provider_type)} but the manifest says "${wanted}"; the host refuses the plugin.`, {
      expected: `provider_type "${wanted}"`,
      exchange: metadata,
    });
  }
  ctx.unlessFailed('health.schema');
  await expectHealthy(ctx, '(load step 4)');
}

export const HOST_CHECKS: Record<string, CheckImpl> = {
  'manifest/yaml-only': { needs: 'any', run: manifestDiscovered },
  'auto-start/disabled': { needs: 'any', run: autoStart },
  'file/bom': { needs: 'any', run: jsonWithoutBom },
  'env/unquoted-value': { needs: 'any', run: envStrings },
  'endpoint/trailing-slash': { needs: 'any', run: joinedUrls },
  'host.load-sequence': { needs: 'uninitialized', run: loadSequence },
};
