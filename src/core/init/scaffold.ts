/**
 * scaffoldPlugin: answers in, a plugin folder out, all or nothing.
 *
 * Order matters for safety: check the answers and the target, render the whole template
 * in memory, validate the generated manifest with our own validator, and only then write
 * into a temporary folder BESIDE the target (same file system) and rename it into place.
 * An abort (io.signal) or failure at any step leaves no target and no temporary folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { LoomPluginError, throwIfAborted } from '../errors.js';
import type { Diagnostic } from '../manifest/types.js';
import { checkManifestText } from '../validate/check-manifest.js';
import { defaultTemplatesDir } from './package-paths.js';
import { initFileSystemError, isErrnoError } from './fs-error.js';
import { makeFolders } from './make-folders.js';
import { inspectTarget, mergeIntoFolder, moveWholeFolder } from './place-files.js';
import { assertPluginName } from './plugin-name.js';
import { assertProviderType } from './provider-type.js';
import { extendAdapter, overlayFiles, renderTemplate, type RenderedFile } from './render-template.js';
import { ADAPTERS_FOLDER, adapterChain, adapterDir, assertCapabilitiesSupported, assertProviderApi, loadProviderApi, type ProviderApiSpec } from './provider-api.js';
import { templateValues } from './template-values.js';
import { INIT_LANGUAGES, type InitAnswers, type InitLanguage, type ScaffoldEvent, type ScaffoldResult } from './types.js';
import { JSON_TWIN_NAME, jsonTwinText } from '../manifest/json-twin.js';

export interface ScaffoldOptions {
  /** Folder relative paths are resolved against. */
  cwd: string;
  /** Parent folder of the plugin folder (default: cwd). */
  directory?: string;
  signal?: AbortSignal;
  /** Folder holding python/, node/, go/ (default: the package's own templates/). */
  templatesDir?: string;
  /** Add the files to an existing non-empty folder (user files are kept, see place-files.ts). */
  force?: boolean;
  /** Progress for spinners; an exception thrown here aborts the scaffold like any failure. */
  onProgress?: (event: ScaffoldEvent) => void;
  /** Fixed clock for reproducible output ({{year}}). */
  now?: Date;
}

const MANIFEST_NAME = 'plugin.yaml';

/**
 * plugin.json, generated from the rendered plugin.yaml: the shipped Loom host ignores
 * snake_case keys in YAML manifests (docs/protocol.md), so a scaffold with only the YAML
 * would be skipped there. validate, test and dev treat the pair as one plugin and report
 * it when the two drift apart. The YAML keeps the editor schema comment; authors edit it.
 */
async function withJsonTwin(files: RenderedFile[]): Promise<RenderedFile[]> {
  const index = files.findIndex((file) => file.path === MANIFEST_NAME);
  const manifest = files[index];
  if (!manifest || files.some((file) => file.path === JSON_TWIN_NAME)) return files;
  const json = await jsonTwinText(manifest.content.toString('utf8'));
  const twin: RenderedFile = { path: JSON_TWIN_NAME, content: Buffer.from(json), mode: manifest.mode, binary: false };
  return [...files.slice(0, index + 1), twin, ...files.slice(index + 1)];
}

export function templateDirFor(language: InitLanguage, templatesDir = defaultTemplatesDir()): string {
  return join(templatesDir, language);
}

/** Dependency names of the Node template (npm refuses a project named like one of them). */
export async function templateDependencyNames(templateDir: string): Promise<string[]> {
  try {
    const pkg = JSON.parse(await readFile(join(templateDir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})].map((name) => name.toLowerCase());
  } catch {
    return [];
  }
}

function checkTextAnswer(label: string, value: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) {
    throw new LoomPluginError('E_USAGE', `The ${label} must be one line of text without control characters.`, {
      hint: `Give --${label} as a single line of printable text, without line breaks, tabs or escape sequences.`,
    });
  }
}

/** Checks every answer; throws E_BAD_NAME / E_USAGE. Exposed for the prompt flow. */
export async function checkAnswers(answers: InitAnswers, templatesDir?: string): Promise<void> {
  if (!INIT_LANGUAGES.includes(answers.language)) {
    throw new LoomPluginError('E_USAGE', `Unknown language "${String(answers.language)}"; choose one of ${INIT_LANGUAGES.join(', ')}.`, {
      hint: `Pass --language with one of ${INIT_LANGUAGES.join(', ')}.`,
    });
  }
  const dependencyNames = answers.language === 'node' ? await templateDependencyNames(templateDirFor('node', templatesDir)) : [];
  assertPluginName(answers.name, answers.language, { dependencyNames });
  assertProviderType(answers.providerType);
  assertProviderApi(answers.providerApi);
  const spec = await loadProviderApi(templatesDir ?? defaultTemplatesDir(), answers.providerApi);
  assertCapabilitiesSupported(answers.capabilities, spec);
  for (const api of await adapterChain(templatesDir ?? defaultTemplatesDir(), answers.providerApi)) {
    await adapterDir(templateDirFor(answers.language, templatesDir), answers.language, api);
  }
  checkTextAnswer('description', answers.description);
  checkTextAnswer('author', answers.author);
  checkTextAnswer('license', answers.license);
  if (!Number.isInteger(answers.port) || answers.port < 1 || answers.port > 65535) {
    throw new LoomPluginError('E_USAGE', `The port must be a whole number between 1 and 65535, not ${answers.port}.`, {
      hint: 'Pass a free port such as --port 8090.',
    });
  }
}

async function validateRenderedManifest(files: RenderedFile[], target: string, language: InitLanguage) {
  const manifest = files.find((file) => file.path === MANIFEST_NAME);
  if (!manifest) {
    throw new LoomPluginError('E_TEMPLATE_INVALID', `The ${language} template has no ${MANIFEST_NAME}.`);
  }
  const result = await checkManifestText(manifest.content, join(target, MANIFEST_NAME));
  const errors = result.diagnostics.filter((d: Diagnostic) => d.severity === 'error');
  if (errors.length > 0) {
    const lines = errors.map((d: Diagnostic) => `${MANIFEST_NAME}:${d.line}:${d.column} ${d.rule} ${d.message}`);
    throw new LoomPluginError('E_TEMPLATE_INVALID', `The generated ${MANIFEST_NAME} fails validation (a bug in the ${language} template): ${lines.join('; ')}`, {
      hint: 'Nothing was written. Please report this with the command you ran.',
      details: { diagnostics: errors },
    });
  }
  return result.diagnostics.filter((d: Diagnostic) => d.severity === 'warning');
}

/** The shared template files plus the chosen API's adapter files, rendered in memory. */
async function renderWithAdapter(templateDir: string, answers: InitAnswers, options: ScaffoldOptions): Promise<RenderedFile[]> {
  const spec: ProviderApiSpec = await loadProviderApi(options.templatesDir ?? defaultTemplatesDir(), answers.providerApi);
  const values = templateValues(answers, spec, options.now);
  const signal = options.signal ? { signal: options.signal } : {};
  const shared = await renderTemplate(templateDir, values, { ...signal, skipTopLevel: [ADAPTERS_FOLDER] });
  // A base adapter first, the extending one over it; neither may shadow a shared file.
  let adapter: RenderedFile[] = [];
  for (const api of await adapterChain(options.templatesDir ?? defaultTemplatesDir(), answers.providerApi)) {
    adapter = extendAdapter(adapter, await renderTemplate(await adapterDir(templateDir, answers.language, api), values, signal));
  }
  return overlayFiles(shared, adapter, `${answers.language} ${answers.providerApi}`);
}

async function writeRendered(tempDir: string, files: RenderedFile[], options: ScaffoldOptions): Promise<void> {
  for (const file of files) {
    throwIfAborted(options.signal);
    const dest = join(tempDir, file.path);
    await makeFolders(dirname(dest), options.signal);
    await writeFile(dest, file.content, { mode: file.mode || 0o644 });
    options.onProgress?.({ type: 'file', path: file.path });
  }
}

export async function scaffoldPlugin(answers: InitAnswers, options: ScaffoldOptions): Promise<ScaffoldResult> {
  try {
    return await scaffoldInto(answers, options);
  } catch (error) {
    // What the file system refuses is the user's to fix, not a bug: say what and where.
    if (isErrnoError(error)) throw initFileSystemError(error, join(resolve(options.cwd, options.directory ?? '.'), answers.name));
    throw error;
  }
}

async function scaffoldInto(answers: InitAnswers, options: ScaffoldOptions): Promise<ScaffoldResult> {
  throwIfAborted(options.signal);
  await checkAnswers(answers, options.templatesDir);
  const templateDir = templateDirFor(answers.language, options.templatesDir);
  const templateStats = await stat(templateDir).catch(() => undefined);
  if (!templateStats?.isDirectory()) {
    throw new LoomPluginError('E_TEMPLATE_INVALID', `The ${answers.language} template is missing (looked in ${templateDir}).`, {
      hint: 'Reinstall loom-plugin; its package ships a templates/ folder.',
    });
  }
  const parent = resolve(options.cwd, options.directory ?? '.');
  const target = join(parent, answers.name);
  const parentStats = await stat(parent).catch(() => undefined);
  if (parentStats && !parentStats.isDirectory()) {
    throw new LoomPluginError('E_FILE_WRITE', `--directory ${options.directory ?? parent} is not a folder, so the plugin cannot be created in it.`, {
      hint: 'Pass --directory with a folder, or a path where a folder can be created.',
      details: { path: parent },
    });
  }
  const state = await inspectTarget(target);
  if (state === 'non-empty' && !options.force) {
    throw new LoomPluginError('E_TARGET_EXISTS', `${target} already exists and is not empty.`, {
      hint: 'Choose another name, or pass --force to add the template files to it (your files are kept; any file in the way is renamed to .bak).',
    });
  }

  const rendered = await renderWithAdapter(templateDir, answers, options);
  const manifestWarnings = await validateRenderedManifest(rendered, target, answers.language);
  const files = await withJsonTwin(rendered);
  options.onProgress?.({ type: 'rendered', files: files.length });
  throwIfAborted(options.signal);

  // The first folder this call had to create for --directory (removed again on failure).
  const createdParent = await makeFolders(parent, options.signal);
  const tempDir = join(parent, `.${basename(target)}.loom-init-${randomBytes(4).toString('hex')}`);
  let placed = false;
  try {
    await mkdir(tempDir);
    await writeRendered(tempDir, files, options);
    throwIfAborted(options.signal);
    const paths = files.map((file) => file.path);
    // From here on the move runs to completion: it is short and an interrupted merge
    // would leave a half-updated folder.
    const moved = state === 'non-empty'
      ? await mergeIntoFolder(tempDir, target, paths)
      : (await moveWholeFolder(tempDir, target), { backups: [], unchanged: [] });
    placed = true;
    options.onProgress?.({ type: 'placed', dir: target });
    return { dir: target, files: paths, backups: moved.backups, unchanged: moved.unchanged, manifestWarnings };
  } finally {
    await rm(tempDir, { recursive: true, force: true });
    if (!placed && createdParent !== undefined) await removeEmptyFolders(parent, createdParent);
  }
}

/** Removes `from` and its parents up to and including `upTo`, as long as they are empty. */
async function removeEmptyFolders(from: string, upTo: string): Promise<void> {
  for (let dir = from; dir.startsWith(upTo); dir = dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return; // not empty (someone else's files) or already gone
    }
    if (dir === upTo) return;
  }
}
