/**
 * `validate` over many paths: find the manifests, check them one by one (one file open
 * at a time; reads are synchronous and cheap), then apply the cross-file rule
 * the host applies when it loads a folder: one plugin per provider_type.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { throwIfAborted } from '../errors.js';
import { searchManifests, type SkippedEntry } from '../manifest/find-manifests.js';
import type { ManifestFileResult } from '../manifest/types.js';
import { analyzeManifestFile, type ManifestAnalysis } from './check-manifest.js';
import { ruleInfo } from './rule-catalogue.js';
import { compareDiagnostics, DiagnosticSink } from './rule-context.js';

export interface ValidationReport {
  files: ManifestFileResult[];
  errorCount: number;
  warningCount: number;
}

const YIELD_EVERY = 32;

function shownPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

export function countFindings(files: readonly ManifestFileResult[]): { errorCount: number; warningCount: number } {
  let errorCount = 0;
  let warningCount = 0;
  for (const file of files) {
    for (const d of file.diagnostics) {
      if (d.severity === 'error') errorCount++;
      else warningCount++;
    }
  }
  return { errorCount, warningCount };
}

/**
 * A plugin.json beside a plugin.yaml in the same folder is the workaround docs/protocol.md
 * recommends for the shipped host's YAML defect: one plugin in two formats, not two
 * plugins. It is fine while both say the same; when they differ, the host loads a
 * manifest other than the one you test.
 */
function isJsonYamlTwin(a: ManifestAnalysis, b: ManifestAnalysis): boolean {
  const json = (file: string): boolean => extname(file).toLowerCase() === '.json';
  return dirname(a.result.file) === dirname(b.result.file) && json(a.result.file) !== json(b.result.file);
}

async function applyDuplicateProviderTypes(analyses: ManifestAnalysis[], cwd: string): Promise<void> {
  const firstWith = new Map<string, ManifestAnalysis>();
  for (const analysis of analyses) {
    let type = analysis.providerType;
    if (!type) continue;
    const first = firstWith.get(type.value);
    if (first === undefined) {
      firstWith.set(type.value, analysis);
      continue;
    }
    const result = analysis.result;
    const twin = isJsonYamlTwin(first, analysis);
    // Twins that agree are one plugin; twins with errors already have findings of their own.
    if (twin && (!first.result.manifest || !result.manifest || isDeepStrictEqual(first.result.manifest, result.manifest))) continue;
    // Read fast (no positions): read again with positions; only for the rare duplicate.
    if (type.line === 0) type = (await analyzeManifestFile(result.file, { fast: false })).providerType ?? type;
    const firstShown = shownPath(first.result.file, cwd);
    result.diagnostics.push({
      file: result.file,
      line: type.line,
      column: type.column,
      endLine: type.endLine,
      endColumn: type.endColumn,
      severity: 'error',
      ...(twin
        ? {
            rule: 'provider-type/twin-mismatch',
            message: `This manifest and ${firstShown} describe the same plugin (provider_type "${type.value}") but differ; the shipped host loads the JSON one.`,
            hint: 'Run loom-plugin sync in that folder to write plugin.json from plugin.yaml.',
          }
        : {
            rule: 'provider-type/duplicate',
            message: `provider_type "${type.value}" is already used by ${firstShown}; the host refuses the second plugin.`,
            hint: 'Give each plugin its own provider_type.',
          }),
    });
    result.diagnostics.sort(compareDiagnostics);
    result.manifest = undefined;
  }
}

/** A `file/skipped` warning for what the search passed over: the host would skip it too, silently. */
function skippedResult(entry: SkippedEntry): ManifestFileResult {
  const sink = new DiagnosticSink(entry.path, '', undefined);
  if (entry.kind === 'folder') {
    sink.atOffsets(0, 0, 'file/skipped', `This folder cannot be read (${entry.reason}); manifests in it, if any, were not checked.`, 'Give your user read permission (chmod u+rx), or ignore this if the folder holds no plugin.');
  } else {
    sink.atOffsets(0, 0, 'file/skipped', `This has a manifest name but is ${entry.reason}, not a file; it was not read, and the host skips it.`, 'Replace it with a regular file, or remove it.');
  }
  return { file: entry.path, dir: dirname(entry.path), manifest: undefined, diagnostics: sink.diagnostics };
}

/**
 * Twins that agree carry the same findings; each is shown once, on the YAML file (the one
 * authors edit). Findings only the JSON file has (a byte order mark, say) stay on it.
 */
function dropTwinRepeats(analyses: ManifestAnalysis[]): void {
  const yamlByDir = new Map<string, ManifestFileResult>();
  for (const { result } of analyses) if (extname(result.file).toLowerCase() !== '.json') yamlByDir.set(dirname(result.file), result);
  for (const { result } of analyses) {
    const yaml = yamlByDir.get(dirname(result.file));
    if (!yaml || yaml === result || !yaml.manifest || !result.manifest || !isDeepStrictEqual(yaml.manifest, result.manifest)) continue;
    const onYaml = new Set(yaml.diagnostics.map((d) => `${d.rule}|${d.message}`));
    result.diagnostics = result.diagnostics.filter((d) => !onYaml.has(`${d.rule}|${d.message}`));
  }
}

const YAML_ONLY_MESSAGE =
  'There is no plugin.json beside this YAML manifest: the shipped Loom host reads snake_case keys only from JSON (a known host defect), so it skips this plugin.';
const YAML_ONLY_HINT = 'Run loom-plugin sync in this folder to write plugin.json from it.';
const YAML_ONLY_SEVERITY = ruleInfo('manifest/yaml-only')?.severity ?? 'error';

/**
 * `manifest/yaml-only`: the shipped host reads snake_case keys only from JSON, so a YAML
 * manifest without a plugin.json beside it is skipped. `loom-plugin test` holds the same
 * rule, under the same id (required there under its default loom-host profile).
 */
function flagYamlOnly(analyses: ManifestAnalysis[], withoutJson: ReadonlySet<string>): void {
  for (const { result } of analyses) {
    // Only the names the host discovers: a fixture called schema-enum.yaml is no plugin.
    const name = basename(result.file);
    // Errors, not the manifest itself: a large file's manifest is parsed only when read.
    if ((name !== 'plugin.yaml' && name !== 'plugin.yml') || result.diagnostics.some((d) => d.severity === 'error')) continue;
    const dir = dirname(result.file);
    // A folder the search listed without a plugin.json needs no second look.
    if (!withoutJson.has(dir) && existsSync(join(dir, 'plugin.json'))) continue;
    // At 1:1, as a DiagnosticSink over an empty text would place it; built directly, since
    // a sink per file (two maps and a line index) showed in a 1,000-file run.
    result.diagnostics.push({ file: result.file, line: 1, column: 1, endLine: 1, endColumn: 1, severity: YAML_ONLY_SEVERITY, rule: 'manifest/yaml-only', message: YAML_ONLY_MESSAGE, hint: YAML_ONLY_HINT });
  }
}

export interface ValidatePathsOptions {
  cwd: string;
  signal?: AbortSignal;
  /**
   * Keep each valid manifest's data in its result (default true). The CLI only prints
   * findings and turns this off: data kept for 1,000 files was copied by every garbage
   * collection of the run. Manifests the cross-file rules compare (a plugin.json and a
   * YAML manifest in one folder) are kept until those rules have run, then dropped too.
   */
  keepManifests?: boolean;
}

/**
 * Folders holding more than one of `files`: every plugin.json/YAML pair the cross-file
 * rules compare is in one of them (a superset is safe: it only keeps more data).
 */
function foldersWithTwins(files: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const twins = new Set<string>();
  for (const file of files) {
    const dir = dirname(file);
    if (seen.has(dir)) twins.add(dir);
    else seen.add(dir);
  }
  return twins;
}

/** Validates manifests under the given paths (none = cwd). Throws E_NO_MANIFEST / E_FILE_READ. */
export async function validatePaths(paths: string[], options: ValidatePathsOptions): Promise<ValidationReport> {
  const { files, skipped, withoutJson } = await searchManifests(paths, options.cwd);
  const keep = options.keepManifests !== false;
  const twins = keep ? undefined : foldersWithTwins(files);
  const analyses: ManifestAnalysis[] = [];
  const signal = options.signal ? { signal: options.signal } : {};
  for (let index = 0; index < files.length; index++) {
    const file = files[index] as string;
    // Reads are synchronous (see read-manifest-file.ts); yield now and then so an abort is seen.
    if (index % YIELD_EVERY === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      throwIfAborted(options.signal);
    }
    // Dropped at once unless a cross-file rule compares it: not even handed back by a worker.
    const keepManifest = !twins || (twins.size > 0 && twins.has(dirname(file)));
    const analysis = await analyzeManifestFile(file, { keepManifest, ...signal });
    analyses.push(analysis);
  }
  await applyDuplicateProviderTypes(analyses, options.cwd);
  dropTwinRepeats(analyses);
  flagYamlOnly(analyses, withoutJson);
  if (!keep) for (const { result } of analyses) result.manifest = undefined;
  const results = [...analyses.map((analysis) => analysis.result), ...skipped.map(skippedResult)];
  return { files: results, ...countFindings(results) };
}
