/**
 * Renders a template folder into memory: text files get `{{key}}` / `{{key|json}}`
 * substituted, binary files are copied byte for byte, `_gitignore` / `_dockerignore`
 * become dot-files (npm drops real `.gitignore` files from packages). Nothing else is
 * special. Rendering in memory first means nothing touches the disk until the whole
 * template rendered and its manifest validated.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LoomPluginError, throwIfAborted } from '../errors.js';
import type { TemplateValues } from './template-values.js';

export interface RenderedFile {
  /** Output path relative to the plugin folder, `/`-separated. */
  path: string;
  content: Buffer;
  /** Permission bits of the template file (keeps scripts executable). */
  mode: number;
  binary: boolean;
}

const PLACEHOLDER = /\{\{([A-Za-z_][A-Za-z0-9_]*)(\|json)?\}\}/g;
const RENAMES: Record<string, string> = { _gitignore: '.gitignore', _dockerignore: '.dockerignore' };
// Local development leftovers inside a template checkout; never part of a scaffold.
const SKIPPED = new Set(['node_modules', '.venv', '__pycache__', '.pytest_cache', '.DS_Store']);

/** A JSON string literal that is also safe in YAML, JS, Python and Go source. */
export function jsonLiteral(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Substitutes placeholders in one text; an unknown key is a template bug. */
export function renderText(text: string, values: TemplateValues, file = '<text>'): string {
  return text.replace(PLACEHOLDER, (_match, key: string, json: string | undefined) => {
    const value = Object.hasOwn(values, key) ? values[key] : undefined;
    if (value === undefined) {
      throw new LoomPluginError('E_TEMPLATE_INVALID', `The template file ${file} uses an unknown placeholder {{${key}}}.`, {
        hint: `Known placeholders: ${Object.keys(values).join(', ')}.`,
        details: { file, key },
      });
    }
    return json ? jsonLiteral(value) : value;
  });
}

/** Output name of a template file name. */
export function outputName(name: string): string {
  return RENAMES[name] ?? name;
}

function isBinary(content: Buffer): boolean {
  if (content.subarray(0, 8000).includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(content);
    return false;
  } catch {
    return true;
  }
}

export async function renderTemplate(
  templateDir: string,
  values: TemplateValues,
  options: { signal?: AbortSignal; skipTopLevel?: readonly string[] } = {},
): Promise<RenderedFile[]> {
  const files: RenderedFile[] = [];
  const walk = async (dir: string, outPrefix: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      throwIfAborted(options.signal);
      if (SKIPPED.has(entry.name)) continue;
      if (outPrefix === '' && options.skipTopLevel?.includes(entry.name)) continue;
      const source = join(dir, entry.name);
      const out = `${outPrefix}${outputName(entry.name)}`;
      if (entry.isDirectory()) {
        await walk(source, `${out}/`);
      } else if (entry.isFile()) {
        const [raw, stats] = await Promise.all([readFile(source), lstat(source)]);
        const binary = isBinary(raw);
        const content = binary ? raw : Buffer.from(renderText(raw.toString('utf8'), values, out), 'utf8');
        files.push({ path: out, content, mode: stats.mode & 0o777, binary });
      } else {
        throw new LoomPluginError('E_TEMPLATE_INVALID', `The template entry ${out} is not a regular file or folder (symbolic links are not supported).`, {
          details: { file: out },
        });
      }
    }
  };
  await walk(templateDir, '');
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files;
}

/**
 * The shared files with an adapter's files laid over them. An adapter only adds files:
 * one with the path of a shared file would mean the shared part differs per API.
 */
/**
 * An extending adapter over its base adapter: a file at the same path replaces the base's
 * (that is how a dialect overrides a small module such as the wire details).
 */
export function extendAdapter(base: RenderedFile[], extending: RenderedFile[]): RenderedFile[] {
  const paths = new Set(extending.map((file) => file.path));
  return [...base.filter((file) => !paths.has(file.path)), ...extending];
}

export function overlayFiles(shared: RenderedFile[], adapter: RenderedFile[], adapterName: string): RenderedFile[] {
  const paths = new Set(shared.map((file) => file.path));
  const clash = adapter.find((file) => paths.has(file.path));
  if (clash) {
    throw new LoomPluginError('E_TEMPLATE_INVALID', `The ${adapterName} adapter has ${clash.path}, which the shared template has too.`, {
      details: { file: clash.path },
    });
  }
  return [...shared, ...adapter].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
