/**
 * Temporary plugin folders for the `loom-plugin test` command tests: the reference fixture
 * plugin started through a manifest we control (extra env, a wrapper script that logs a
 * secret or crashes on cue, an extra sensitive field).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { jsonTwin } from '../fixtures/plugins/generate-broken.mjs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REFERENCE_DIR = resolve(import.meta.dirname, '../fixtures/plugins/reference');
export const REFERENCE_SERVER = join(REFERENCE_DIR, 'server.mjs');

/**
 * A wrapper script (TempPluginOptions.wrapper) that runs the reference server with its
 * /models answer held back 3 s, so a run is surely mid-way when a test sends a signal;
 * `prelude` runs first (imports and statements of the test's own).
 */
export function slowModelsWrapper(prelude = ''): string {
  return `${prelude}import http from 'node:http';
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res, ...rest) {
  if (event === 'request' && req.url === '/models') {
    setTimeout(() => emit.call(this, event, req, res, ...rest), 3000);
    return true;
  }
  return emit.call(this, event, req, res, ...rest);
};
await import(${JSON.stringify(REFERENCE_SERVER)});
`;
}

/**
 * A wrapper script that runs the reference server but never answers `method path` (the
 * request is swallowed), as a plugin hung on one endpoint does.
 */
export function hungPathWrapper(method: string, path: string): string {
  return `import http from 'node:http';
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res, ...rest) {
  if (event === 'request' && req.method === ${JSON.stringify(method)} && req.url === ${JSON.stringify(path)}) return true;
  return emit.call(this, event, req, res, ...rest);
};
await import(${JSON.stringify(REFERENCE_SERVER)});
`;
}

export interface TempPluginOptions {
  /** Extra env entries in the manifest (e.g. DEFECT, PID_FILE). */
  env?: Record<string, string>;
  /** Script run instead of the reference server directly; it may import REFERENCE_SERVER. */
  wrapper?: string;
  /** Extra YAML appended to config_schema (indented list items). */
  extraConfig?: string;
  /** Replace the whole manifest text. */
  manifest?: string;
}

const tempDirs: string[] = [];

export async function tempPlugin(options: TempPluginOptions = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-test-cmd-'));
  tempDirs.push(dir);
  if (options.manifest !== undefined) {
    await writeManifest(dir, options.manifest);
    return dir;
  }
  let text = await readFile(join(REFERENCE_DIR, 'plugin.yaml'), 'utf8');
  if (options.wrapper !== undefined) {
    await writeFile(join(dir, 'wrapper.mjs'), options.wrapper);
    text = text.replace(/^args: .*$/m, 'args: [wrapper.mjs]');
  } else {
    text = text.replace(/^args: .*$/m, `args: [${JSON.stringify(REFERENCE_SERVER)}]`);
  }
  const env = Object.entries(options.env ?? {})
    .map(([key, value]) => `  ${key}: ${JSON.stringify(value)}\n`)
    .join('');
  text = text.replace(/^env:\n/m, `env:\n${env}`);
  if (options.extraConfig) text = `${text.trimEnd()}\n${options.extraConfig}`;
  await writeManifest(dir, text);
  return dir;
}

/** plugin.yaml and, when it parses, the plugin.json twin the shipped host discovers. */
async function writeManifest(dir: string, yamlText: string): Promise<void> {
  await writeFile(join(dir, 'plugin.yaml'), yamlText);
  let twin: string | undefined;
  try {
    twin = jsonTwin(yamlText);
  } catch {
    twin = undefined; // a deliberately broken manifest: the YAML alone shows its findings
  }
  if (twin && twin.startsWith('{')) await writeFile(join(dir, 'plugin.json'), twin);
}

export async function removeTempPlugins(): Promise<void> {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export { isAlive as pidAlive } from '../helpers/processes.js';
