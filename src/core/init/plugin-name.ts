/**
 * Plugin name rules. The name becomes a folder, an npm package name (Node), a Python
 * distribution + import name (Python) and the last element of a Go module path (Go), so
 * it must be safe for the file system on every OS and legal in the target ecosystem.
 * Each broken rule is reported with a stable id and a sanitised suggestion.
 */
import { builtinModules } from 'node:module';
import { LoomPluginError } from '../errors.js';
import { SKIPPED_DIRS } from '../manifest/find-manifests.js';
import type { InitLanguage } from './types.js';

export interface NameProblem {
  /** Stable rule id, e.g. `fs/separator`, `npm/uppercase`, `python/keyword`. */
  rule: string;
  message: string;
}

export interface NameCheck {
  valid: boolean;
  problems: NameProblem[];
  /** A sanitised name that passes every rule (only when the name is invalid). */
  suggestion: string | undefined;
}

export interface NameCheckOptions {
  /** Names the template itself depends on (npm refuses a package named like its dependency). */
  dependencyNames?: readonly string[];
}

/** Keeps paths short enough for Windows (260 characters) once files are nested below. */
export const MAX_NAME_LENGTH = 100;

// Device names Windows reserves in every folder, with or without an extension.
const WINDOWS_RESERVED = new Set([
  'con', 'prn', 'aux', 'nul', 'conin$', 'conout$',
  ...Array.from({ length: 10 }, (_, i) => `com${i}`),
  ...Array.from({ length: 10 }, (_, i) => `lpt${i}`),
]);

// Python 3.12 `keyword.kwlist`: none of these can be an import name.
const PYTHON_KEYWORDS = new Set([
  'false', 'none', 'true', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue',
  'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in',
  'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

const NPM_BLOCKLIST = new Set(['node_modules', 'favicon.ico']);
const NODE_BUILTINS = new Set(builtinModules.map((name) => name.replace(/^node:/, '')));

/** PEP 503/PEP 8 normalisation: runs of `-`, `_`, `.` become `_`, lower-cased. */
export function pythonImportName(name: string): string {
  return name.replace(/[-_.]+/g, '_').toLowerCase();
}

/** The Go module path init writes into go.mod; `example.com/` is reserved for examples. */
export function goModulePath(name: string): string {
  return `example.com/${name}`;
}

function fileSystemProblems(name: string): NameProblem[] {
  const problems: NameProblem[] = [];
  const add = (rule: string, message: string): void => {
    problems.push({ rule, message });
  };
  if (name.length === 0) {
    add('fs/empty', 'The name is empty.');
    return problems;
  }
  if (/^(?:[a-zA-Z]:[\\/]|[\\/])/.test(name)) add('fs/absolute', 'The name is an absolute path; give a folder name and use --directory for where it goes.');
  if (name === '.' || name === '..' || /(?:^|[\\/])\.\.(?:[\\/]|$)/.test(name)) add('fs/dot-segment', 'The name may not be "." or contain "..".');
  if (/[\\/]/.test(name)) add('fs/separator', 'The name may not contain "/" or "\\"; use --directory to choose the parent folder.');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f<>:"|?*]/.test(name)) add('fs/invalid-char', 'The name may not contain control characters or any of < > : " | ? *.');
  if (/[. ]$/.test(name)) add('fs/trailing-dot-space', 'The name may not end with a dot or a space (Windows drops them).');
  if (/^\s/.test(name)) add('fs/leading-space', 'The name may not start with white space.');
  if (name.startsWith('-')) add('fs/leading-dash', 'The name may not start with "-" (it would read as a flag).');
  const stem = (name.split('.')[0] ?? '').trimEnd().toLowerCase();
  if (WINDOWS_RESERVED.has(stem)) add('fs/windows-reserved', `"${stem}" is a reserved device name on Windows.`);
  if (SKIPPED_DIRS.has(name)) {
    add('fs/skipped-folder', `"${name}" is a folder that validate, test and dev never search (it holds other people's code), so they would not find this plugin.`);
  }
  if (name.length > MAX_NAME_LENGTH) add('fs/too-long', `The name is longer than ${MAX_NAME_LENGTH} characters.`);
  return problems;
}

// https://docs.npmjs.com/cli/configuring-npm/package-json#name (rules of validate-npm-package-name)
function npmProblems(name: string, options: NameCheckOptions): NameProblem[] {
  const problems: NameProblem[] = [];
  if (name !== name.toLowerCase()) problems.push({ rule: 'npm/uppercase', message: 'npm package names must be lower case.' });
  if (/^[._]/.test(name)) problems.push({ rule: 'npm/leading-dot-underscore', message: 'npm package names may not start with "." or "_".' });
  if (!/^[a-zA-Z0-9._~-]*$/.test(name)) problems.push({ rule: 'npm/url-unsafe', message: 'npm package names may contain only letters, digits and - . _ ~.' });
  if (name.length > 214) problems.push({ rule: 'npm/too-long', message: 'npm package names are at most 214 characters.' });
  const lowered = name.toLowerCase();
  if (NPM_BLOCKLIST.has(lowered)) problems.push({ rule: 'npm/blocklisted', message: `"${name}" is not allowed as an npm package name.` });
  if (NODE_BUILTINS.has(lowered)) problems.push({ rule: 'npm/builtin', message: `"${name}" is a Node.js core module name.` });
  if (options.dependencyNames?.includes(lowered)) {
    problems.push({ rule: 'npm/dependency-name', message: `"${name}" is a dependency of the template; npm refuses to install a package into one with the same name.` });
  }
  return problems;
}

// PEP 508 distribution name, then the import name derived from it (PEP 8 module name).
function pythonProblems(name: string): NameProblem[] {
  const problems: NameProblem[] = [];
  if (!/^(?:[a-z0-9]|[a-z0-9][a-z0-9._-]*[a-z0-9])$/i.test(name)) {
    problems.push({
      rule: 'python/distribution',
      message: 'Python distribution names (PEP 508) use only letters, digits and - _ . and start and end with a letter or digit.',
    });
    return problems;
  }
  const importName = pythonImportName(name);
  if (/^[0-9]/.test(importName)) problems.push({ rule: 'python/import-digit', message: `The import name "${importName}" would start with a digit.` });
  if (PYTHON_KEYWORDS.has(importName)) problems.push({ rule: 'python/keyword', message: `The import name "${importName}" is a Python keyword.` });
  return problems;
}

// golang.org/x/mod/module path element rules (checkElem).
function goProblems(name: string): NameProblem[] {
  const problems: NameProblem[] = [];
  if (!/^[A-Za-z0-9._~-]*$/.test(name)) problems.push({ rule: 'go/element-char', message: 'Go module path elements may contain only ASCII letters, digits and - . _ ~.' });
  if (/^\.|\.$/.test(name)) problems.push({ rule: 'go/element-dot', message: 'Go module path elements may not start or end with a dot.' });
  if (/~[0-9]+$/.test(name)) problems.push({ rule: 'go/element-tilde', message: 'Go module path elements may not end with ~ and digits (a Windows short name).' });
  if (/^v[0-9]+$/.test(name)) problems.push({ rule: 'go/major-version', message: `"${name}" would read as a major-version suffix of the module path.` });
  return problems;
}

/** Checks a plugin name for the file system and for the given language's ecosystem. */
export function validatePluginName(name: string, language: InitLanguage, options: NameCheckOptions = {}): NameCheck {
  const problems = fileSystemProblems(name);
  if (name.length > 0) {
    if (language === 'node') problems.push(...npmProblems(name, options));
    if (language === 'python') problems.push(...pythonProblems(name));
    if (language === 'go') problems.push(...goProblems(name));
  }
  const valid = problems.length === 0;
  return { valid, problems, suggestion: valid ? undefined : suggestPluginName(name, language, options) };
}

/**
 * A name that passes every rule, as close to the input as possible: last path element,
 * lower case, runs of other characters as "-", a "-plugin" suffix for reserved words.
 */
export function suggestPluginName(name: string, language: InitLanguage, options: NameCheckOptions = {}): string {
  const lastElement = name.split(/[\\/]+/).filter((part) => part !== '' && part !== '.' && part !== '..').pop() ?? '';
  let candidate = lastElement
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_NAME_LENGTH - 10)
    .replace(/-+$/, '');
  if (candidate === '') candidate = 'my-plugin';
  if (/^[0-9]/.test(candidate)) candidate = `plugin-${candidate}`;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const problems = [...fileSystemProblems(candidate)];
    if (language === 'node') problems.push(...npmProblems(candidate, options));
    if (language === 'python') problems.push(...pythonProblems(candidate));
    if (language === 'go') problems.push(...goProblems(candidate));
    if (problems.length === 0) return candidate;
    candidate = `${candidate}-plugin`;
  }
  return 'my-plugin';
}

/** Throws E_BAD_NAME naming every broken rule and a suggestion. */
export function assertPluginName(name: string, language: InitLanguage, options: NameCheckOptions = {}): void {
  const check = validatePluginName(name, language, options);
  const first = check.problems[0];
  if (!first) return;
  // Every broken rule is named, so one fix does not just reveal the next; one sentence.
  const rules = check.problems.map((problem) => problem.message.replace(/\.$/, '')).join('; ');
  throw new LoomPluginError('E_BAD_NAME', `"${name}" is not a valid ${language} plugin name: ${rules}.`, {
    hint: `Try "${check.suggestion ?? 'my-plugin'}".`,
    details: { rule: first.rule, problems: check.problems, suggestion: check.suggestion },
  });
}
