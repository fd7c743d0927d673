/**
 * Reading a `--config` file (JSON or YAML) for `test` and `dev`. Parse errors name the
 * line and column but never quote the text: the file holds keys, and JSON.parse's and
 * yaml's messages would print an excerpt of it.
 */
import { readFile } from 'node:fs/promises';
import { LoomPluginError } from '../errors.js';
import { parseJsonWithPositions } from '../manifest/parse-json.js';

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/**
 * yaml's error codes in words (its own messages quote the text, which may be a key): the
 * bare code (MISSING_CHAR) left the reader to guess what was wrong on that line.
 */
const YAML_ERROR_WORDS: Partial<Record<string, string>> = {
  MISSING_CHAR: 'a closing quote or bracket is missing',
  BLOCK_AS_IMPLICIT_KEY: 'a line is indented as if it continued the line above',
  BAD_INDENT: 'the indentation does not match the lines around it',
  TAB_AS_INDENT: 'a tab is used for indentation (YAML takes spaces only)',
  DUPLICATE_KEY: 'a field is set twice',
  MULTILINE_IMPLICIT_KEY: 'a key runs over more than one line',
  UNEXPECTED_TOKEN: 'a character is out of place',
};

async function parseText(text: string, json: boolean): Promise<{ data: unknown } | { error: string }> {
  if (json) {
    const parsed = parseJsonWithPositions(text);
    const issue = parsed.issues.find((item) => item.severity === 'error');
    // The strict reader's messages name a character class, never the surrounding text.
    if (parsed.fatal || issue) return { error: `${issue?.message ?? 'Unreadable JSON.'} (${lineColumn(text, issue?.start ?? 0)})` };
    return { data: parsed.value };
  }
  const { parseDocument } = await import('yaml');
  const doc = parseDocument(text, { prettyErrors: false, logLevel: 'error' });
  const error = doc.errors[0];
  // Only the error code and position: yaml's messages may quote the offending text.
  if (error) {
    const words = YAML_ERROR_WORDS[error.code];
    return { error: `YAML error ${error.code}${words ? `, ${words}` : ''} (${lineColumn(text, error.pos[0])})` };
  }
  return { data: doc.toJS({ maxAliasCount: 100 }) };
}

/** The file as an object of field names to values (own properties only; empty file = {}). */
export async function readConfigData(file: string, options: { json: boolean }): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LoomPluginError('E_CONFIG', `Cannot read the config file ${file} (${code ?? (error as Error).message}).`, {
      hint: 'Check the path given to --config.',
      details: { file },
    });
  }
  let parsed: { data: unknown } | { error: string };
  try {
    parsed = await parseText(text, options.json);
  } catch {
    // An alias bomb or similar: still no excerpt.
    parsed = { error: 'the file could not be read as data' };
  }
  const kind = options.json ? 'JSON' : 'YAML';
  if ('error' in parsed) {
    throw new LoomPluginError('E_CONFIG', `The config file ${file} is not valid ${kind}: ${parsed.error}.`, {
      hint: `Fix the file at that line (its text is not shown: it may hold secrets). It holds one object of config field names to values, e.g. ${options.json ? '{"api_key": "sk-..."}' : '`api_key: sk-...`'}.`,
      details: { file },
    });
  }
  const data = parsed.data;
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new LoomPluginError('E_CONFIG', `The config file ${file} must hold an object of field names to values.`, {
      hint: 'For example: `api_key: sk-...` on its own line in YAML, or {"api_key": "sk-..."} in JSON.',
      details: { file },
    });
  }
  return data as Record<string, unknown>;
}
