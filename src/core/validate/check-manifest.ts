/**
 * One manifest, start to finish: bytes -> text -> data with positions -> schema -> rules
 * -> sorted diagnostics. Hostile input ends as findings: nothing here throws for bad
 * content, and every step is bounded (size, depth, aliases, regexp time).
 */
import { dirname, extname, isAbsolute, resolve } from 'node:path';

/** Folder of the manifest (absolute); path.resolve only when needed: it is costly per call. */
function manifestDir(file: string): string {
  return dirname(isAbsolute(file) ? file : resolve(file));
}
import type { ErrorObject, ValidateFunction } from 'ajv';
import { getValidator, loadedValidator, loadSchema } from '../schema-registry.js';
import { decodeManifestBytes } from '../manifest/decode-text.js';
import { readSimpleYamlOrPrefix, type SimpleOrPrefix, type SimpleRead } from '../manifest/fast-yaml.js';
import type { PrefixLine } from '../manifest/fast-yaml-line.js';
import { aliasExpansionProblem } from '../manifest/alias-expansion.js';
import { withoutDocumentMarkers } from '../manifest/yaml-markers.js';
import type { ParseBudget } from '../manifest/yaml-budget.js';
import { readBeforeRegions } from '../manifest/fast-yaml-resume.js';
import { aliasLimitIssue, MAX_SYNTAX_ISSUES, type ParsedSource } from '../manifest/parse-issue.js';
import { readManifestBytesSync } from '../manifest/read-manifest-file.js';
import { locate, type SourceNode } from '../manifest/source-tree.js';
import { analyzeOffThread, OFF_THREAD_BYTES } from './off-thread.js';
import type { Manifest, ManifestFileResult } from '../manifest/types.js';
import { DiagnosticSink, isRecord, type Rule } from './rule-context.js';
import { configFieldRules } from './rules/config-fields.js';
import { metadataRules } from './rules/metadata.js';
import { processRules } from './rules/process.js';

const RULES: readonly Rule[] = [metadataRules, processRules, configFieldRules];

/** What validatePaths needs beyond the public result, for cross-file rules. */
export interface ManifestAnalysis {
  result: ManifestFileResult;
  /** Position is 0:0 when the fast path read the file (no positions); re-read for it. */
  providerType?: { value: string; line: number; column: number; endLine: number; endColumn: number };
  /**
   * With `keepSource`, when the manifest had findings: the text as read (no BOM) and where
   * each value sits, what `sync` splices its fixes into without parsing the file again.
   */
  source?: { text: string; bom: boolean; tree: SourceNode | undefined };
}

/** The schema's verdict on data the fast path has already validated: its errors, or null when valid. */
interface SchemaVerdict {
  errors: readonly ErrorObject[] | null;
}

export interface AnalyzeOptions {
  /** Try the fast reader for plain YAML first (default). Tests turn it off to compare. */
  fast?: boolean;
  /** Refuse more YAML than the full parser's budget (default; yaml-budget.ts). Tests that use the full parser as an oracle turn it off. */
  fullParseBudget?: boolean;
  /** Stops waiting for a large file's worker thread. */
  signal?: AbortSignal;
  /** Return the text and its source tree too (for sync's fixes); off for validate, which keeps many analyses. */
  keepSource?: boolean;
  /**
   * False when the caller drops the manifest's data at once (validate's CLI keeps findings
   * only): the result then has none, and a large file's worker does not serialise a
   * megabyte of data back for nothing. Default true.
   */
  keepManifest?: boolean;
}

/** What the full parser may be given: more for a text the fast reader read whole (ordinary YAML, read fast by yaml too). */
function parseBudget(options: AnalyzeOptions, readWhole: boolean): ParseBudget | false {
  if (options.fullParseBudget === false) return false;
  return readWhole ? 'plain' : 'declined';
}

/** The full parser's reading of the whole text; `prefix`: the lines the fast reader read before it declined (where the refusal of a text too large for the parser points). */
async function fullYamlParse(text: string, prefix: readonly PrefixLine[] | undefined, budget: ParseBudget | false): Promise<ParsedSource> {
  const { parseYamlWithPositions } = await import('../manifest/parse-yaml.js');
  const declinedAt = prefix?.length ? (await import('../manifest/yaml-budget.js')).declinedAt(text, prefix) : 0;
  return parseYamlWithPositions(text, { declinedAt, budget });
}

/**
 * The fast path: plain YAML read without positions, accepted only when the schema and
 * every rule are silent. Any finding -> undefined, and the full path reports it with
 * positions, so diagnostics always come from one place.
 */
function cleanWithoutPositions(file: string, data: Record<string, unknown>, validate: ValidateFunction): ManifestAnalysis | SchemaVerdict {
  // Kept for the full path, which reads the same data: a second schema pass over a
  // large file with findings cost as much as the first (100k errors built twice).
  if (!validate(data)) return { errors: validate.errors ?? [] };
  let dirty = false;
  const ctx = { file, data, report: () => void (dirty = true) };
  for (const rule of RULES) {
    rule(ctx);
    if (dirty) return { errors: null };
  }
  const metadata = data.metadata as Record<string, unknown>;
  const providerType = typeof metadata.provider_type === 'string' ? { value: metadata.provider_type, line: 0, column: 0, endLine: 0, endColumn: 0 } : undefined;
  return { result: { file, dir: manifestDir(file), manifest: data as unknown as Manifest, diagnostics: [] }, ...(providerType ? { providerType } : {}) };
}

function finish(file: string, sink: DiagnosticSink, data: unknown): ManifestFileResult {
  const diagnostics = sink.sorted();
  const valid = !diagnostics.some((d) => d.severity === 'error');
  return { file, dir: manifestDir(file), manifest: valid ? (data as Manifest) : undefined, diagnostics };
}

/** Where an alias may be: `*` then a name, at the start or after a blank or a flow indicator (a `*` in a plain value such as `a * b` is not). */
const MAYBE_ALIAS = /(?:^|[\s[{,])\*[^\s,[\]{}]/;

/**
 * Data whose aliases make a cycle or expand past the limit (alias-expansion.ts) is
 * refused before anything walks it: the schema, the rules, sync, test and dev. The check
 * walks all the data (50-150 ms for a megabyte), so only a text that may have an alias
 * gets it.
 */
function withBoundedAliases(text: string, parsed: ParsedSource): ParsedSource {
  // includes() first: most manifests have no `*`, and this runs for every file.
  if (parsed.fatal || !text.includes('*') || !MAYBE_ALIAS.test(text)) return parsed;
  const problem = aliasExpansionProblem(parsed.value, parsed.tree);
  if (!problem) return parsed;
  return { value: undefined, tree: parsed.tree, issues: [...parsed.issues, aliasLimitIssue(problem.kind, problem.start, problem.end)], fatal: true };
}

/** The fast reader's whole-document answer, through withBoundedAliases. */
function boundedAliases(text: string, read: SimpleRead): SimpleOrPrefix {
  const parsed = withBoundedAliases(text, { value: read.value, tree: read.tree, issues: read.issues, fatal: false });
  return parsed.fatal ? { parsed } : { read };
}

export async function analyzeManifestText(input: string | Uint8Array, file: string, options: AnalyzeOptions = {}): Promise<ManifestAnalysis> {
  const decoded = decodeManifestBytes(input);
  if (!decoded.ok) {
    const sink = new DiagnosticSink(file, '', undefined);
    sink.diagnostics.push({
      file,
      line: decoded.line,
      column: decoded.column,
      severity: 'error',
      rule: 'file/encoding',
      message: `The file is not valid UTF-8 (first bad byte at offset ${decoded.offset}).`,
      hint: 'Save the manifest as UTF-8.',
    });
    return { result: finish(file, sink, undefined) };
  }
  const { bom } = decoded;
  const json = extname(file).toLowerCase() === '.json';
  // CRLF read as LF: every finding keeps its line and column (a CR only ends a line), the
  // data is the same (YAML folds line breaks in scalars to LF), and the fast reader can then
  // read past what it declines, as it does for LF files; a CRLF file of 16 KiB with one odd
  // line was refused as too complex. Not when the caller splices fixes into the text (sync).
  const text = !json && !options.keepSource && decoded.text.includes('\r\n') ? decoded.text.replace(/\r\n/g, '\n') : decoded.text;
  if (text.trim() === '') {
    const sink = new DiagnosticSink(file, text, undefined);
    sink.atOffsets(0, 0, 'manifest/empty', 'The manifest is empty.', 'Run loom-plugin init for a complete example, or see docs/protocol.md.');
    return { result: finish(file, sink, undefined) };
  }
  const read = !json && options.fast !== false ? readSimpleYamlOrPrefix(withoutDocumentMarkers(text)) : undefined;
  const first = read?.read ? boundedAliases(text, read.read) : read;
  const simple = first?.read;
  let verdict: SchemaVerdict | undefined;
  if (simple && simple.issues.length === 0) {
    // Synchronous once the validator is loaded: most manifests end here, and each await
    // on the way was a promise and a microtask per file.
    const clean = cleanWithoutPositions(file, simple.value, loadedValidator('manifest') ?? (await getValidator('manifest')));
    if ('result' in clean) return clean;
    verdict = clean;
  }
  let parsed: ParsedSource;
  try {
    // Plain YAML with findings gets its positions from the fast reader too (a megabyte in
    // milliseconds); the full parser loads only when the fast reader declines the file.
    const plain: ParsedSource | undefined = simple?.tree ? { value: simple.value, tree: simple.tree, issues: simple.issues, fatal: false } : first?.parsed;
    // Each reader loads only when a file needs it (most runs are YAML read by the fast reader).
    // A text it declines part way: a syntax error after the lines it read is found without them.
    const past = !plain && first?.prefix?.length ? (await import('../manifest/partial-reparse.js')).parseYamlPastPrefix(text, first) : undefined;
    parsed = json ? (await import('../manifest/parse-json.js')).parseJsonWithPositions(text) : plain ?? past ?? (await fullYamlParse(text, first && readBeforeRegions(first), parseBudget(options, simple !== undefined)));
    if (!json && !plain) parsed = withBoundedAliases(text, parsed);
  } catch (error) {
    // Last line of defence: a parser bug or stack exhaustion must still be a finding.
    const sink = new DiagnosticSink(file, text, undefined);
    const reason = error instanceof RangeError ? 'it nests too deeply' : 'the parser failed';
    sink.atOffsets(0, 0, json ? 'syntax/json' : 'syntax/yaml', `The file could not be parsed: ${reason}.`, 'Simplify the file.');
    return { result: finish(file, sink, undefined) };
  }
  // The fast reader reports every repeated key (its keys are plain names or quoted strings:
  // equal strings are equal keys to yaml too). With none in a list not cut short at its
  // cap, a key's first entry is its only one, and findings are located without indexing
  // whole mappings.
  const uniqueKeys = simple?.tree !== undefined && parsed.tree === simple.tree && simple.issues.length < MAX_SYNTAX_ISSUES && !simple.issues.some((issue) => issue.rule === 'syntax/duplicate-key');
  const sink = new DiagnosticSink(file, text, parsed.tree, uniqueKeys);
  if (bom && json) {
    sink.atOffsets(0, 0, 'file/bom', 'plugin.json starts with a byte order mark; the reference host\'s JSON decoder rejects it.', 'Save the file as UTF-8 without BOM.');
  }
  for (const issue of parsed.issues) sink.atOffsets(issue.start, issue.end, issue.rule, issue.message, issue.hint, issue.severity);
  if (parsed.fatal) return { result: finish(file, sink, undefined) };

  const data = parsed.value;
  if (data === null || data === undefined) {
    sink.atOffsets(0, 0, 'manifest/empty', 'The manifest holds no values (only comments?).', 'Run loom-plugin init for a complete example, or see docs/protocol.md.');
    return { result: finish(file, sink, undefined) };
  }
  if (!isRecord(data)) {
    sink.atPath({ path: [], rule: 'manifest/not-a-mapping', message: `The top level must be a mapping of keys to values, not ${Array.isArray(data) ? 'a list' : 'a single value'}.`, hint: 'Start with `type: http`, then endpoint, metadata, ...' });
    return { result: finish(file, sink, undefined) };
  }

  let errors: readonly ErrorObject[] | null;
  if (verdict && data === simple?.value) {
    errors = verdict.errors;
  } else {
    const validate = await getValidator('manifest');
    errors = validate(data) ? null : (validate.errors ?? []);
  }
  // The wording of schema findings (five modules) loads on the first file that has any.
  if (errors) (await import('./schema-findings.js')).reportSchemaFindings(errors, data, loadSchema('manifest'), sink);
  const ctx = { file, data, report: (finding: Parameters<DiagnosticSink['atPath']>[0]) => sink.atPath(finding) };
  for (const rule of RULES) rule(ctx);

  const analysis: ManifestAnalysis = { result: finish(file, sink, data), ...(options.keepSource ? { source: { text, bom, tree: parsed.tree } } : {}) };
  const metadata = data.metadata;
  if (isRecord(metadata) && typeof metadata.provider_type === 'string') {
    const where = locate(parsed.tree, ['metadata', 'provider_type'], 'value', uniqueKeys);
    const from = sink.position(where.start);
    const to = sink.position(where.end);
    analysis.providerType = { value: metadata.provider_type, line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
  }
  return analysis;
}

export async function analyzeManifestFile(file: string, options: AnalyzeOptions = {}): Promise<ManifestAnalysis> {
  const read = readManifestBytesSync(file);
  if (!read.ok) {
    const sink = new DiagnosticSink(file, '', undefined);
    sink.atOffsets(0, 0, read.rule, read.message, read.hint);
    return { result: finish(file, sink, undefined) };
  }
  if (read.bytes.length >= OFF_THREAD_BYTES && options.fast !== false) {
    const analysis = await analyzeOffThread(read.bytes, file, { keepManifest: options.keepManifest !== false, ...(options.signal ? { signal: options.signal } : {}) });
    if (analysis) return analysis;
  }
  const analysis = await analyzeManifestText(read.bytes, file, options);
  if (options.keepManifest === false) analysis.result.manifest = undefined;
  return analysis;
}

/** Reads and checks one manifest file. Problems with the file itself are findings too. */
export async function checkManifestFile(file: string): Promise<ManifestFileResult> {
  return (await analyzeManifestFile(file)).result;
}

/** Checks manifest text; `file` names it in findings and picks JSON (`.json`) or YAML. */
export async function checkManifestText(text: string | Uint8Array, file: string): Promise<ManifestFileResult> {
  return (await analyzeManifestText(text, file)).result;
}
