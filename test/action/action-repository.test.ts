/**
 * The GitHub repository of the action (`uses: <owner>/<name>@v<version>`) is written in
 * one place, package.json `loomPlugin.actionRepository`: the scaffolds' workflows are
 * rendered from it, and every `uses:` of this action anywhere in the repository (README,
 * docs, action.yml's own example) must name the same repository at this version. When
 * the value changes, this test lists each place that still says something else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionRepository } from '../../src/core/init/package-paths.js';
import { ROOT } from '../e2e/helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; loomPlugin?: { actionRepository?: unknown } };
const PLACEHOLDER = '{{loom_plugin_action}}';
const SKIP = new Set(['node_modules', '.git', 'dist', 'test-artifacts', 'coverage']);
const TEXT = /\.(?:md|ya?ml|ts|mjs|cjs|js|json|txt|tmpl)$/;

/** Every `uses: something/something@v<version-ish>` in the repository's text files. */
function actionUses(): Array<{ file: string; line: number; repository: string; version: string }> {
  // The versions this action is referred to with; other actions (actions/checkout@v4) are not ours.
  const versions = ['\\{\\{loom_plugin_version\\}\\}', '<version>', '\\$\\{[^}]+\\}', '\\d+\\.\\d+\\.\\d+'].join('|');
  const pattern = new RegExp(`uses:\\s*["']?(\\{\\{loom_plugin_action\\}\\}|\\$\\{[^}]+\\}|[\\w.-]+/[\\w.-]+)@v(${versions})`, 'g');
  const found: Array<{ file: string; line: number; repository: string; version: string }> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (SKIP.has(entry.name) || entry.name === 'package-lock.json') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && TEXT.test(entry.name)) {
        const text = readFileSync(path, 'utf8');
        for (const match of text.matchAll(pattern)) {
          found.push({ file: relative(ROOT, path), line: text.slice(0, match.index).split('\n').length, repository: match[1]!, version: match[2]! });
        }
      }
    }
  };
  walk(ROOT);
  return found;
}

describe("the action's repository is set in one place", () => {
  const configured = pkg.loomPlugin?.actionRepository;

  it('package.json loomPlugin.actionRepository holds it, as owner/name', () => {
    expect(configured).toMatch(/^[\w.-]+\/[\w.-]+$/);
    expect(actionRepository()).toBe(configured);
  });

  it("the scaffolds' workflows take it from there", () => {
    for (const language of ['python', 'node', 'go']) {
      const workflow = readFileSync(join(ROOT, 'templates', language, '.github', 'workflows', 'conformance.yml'), 'utf8');
      expect(workflow, language).toContain(`uses: ${PLACEHOLDER}@v{{loom_plugin_version}}`);
    }
  });

  it('every `uses:` of the action in README, docs, action.yml and templates agrees with it', () => {
    const uses = actionUses();
    const files = new Set(uses.map((use) => use.file));
    // The places known to name it: if these are not found, the search itself is broken.
    for (const file of ['README.md', 'action.yml', 'docs/cli-test.md', 'docs/templates.md', 'docs/cli-init.md', 'templates/node/.github/workflows/conformance.yml']) expect(files).toContain(file);
    const wrong = uses
      .filter((use) => {
        // The placeholder: in the templates' workflows, and in tests that check them.
        if (use.repository === PLACEHOLDER) return !/^templates\/[^/]+\/\.github\/workflows\//.test(use.file) && !use.file.startsWith('test/');
        // Test code builds the reference from package.json: `${actionRepository}`.
        if (use.repository.startsWith('${')) return !use.file.startsWith('test/');
        return use.repository !== configured || (/^\d/.test(use.version) && use.version !== pkg.version);
      })
      .map((use) => `${use.file}:${use.line}: uses ${use.repository}@v${use.version}`);
    expect(wrong, `expected ${configured}@v${pkg.version} (package.json) everywhere`).toEqual([]);
  });
});
