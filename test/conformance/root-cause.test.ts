/**
 * One root cause per mistake: a failed prerequisite blocks the checks that depend on it
 * (one line, not a failure block each), identical failures are shown once, excerpts stay
 * on one line, --bail stops at the first required failure, and --strict stops on manifest
 * warnings as validate --strict does.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/core/conformance/catalogue.js';
import { jsonTwin } from '../fixtures/plugins/generate-broken.mjs';
import { PLUGINS_DIR, REFERENCE_DIR } from '../fixtures/plugins/run-fixture.js';
import { runCli } from '../helpers/memory-io.js';

const INIT_201 = join(PLUGINS_DIR, 'broken', 'initialize-201');
const FLOAT_LATENCY = join(PLUGINS_DIR, 'broken', 'health-float-latency');
const FLOAT_CREATED = join(PLUGINS_DIR, 'broken', 'chat-float-created');

interface JsonReport {
  results: Array<{ id: string; status: string; blockedBy?: string; message?: string }>;
  summary: { failed: number; blocked: number };
}

describe('one root cause per mistake', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'loom-root-cause-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('a 201 from /initialize: one screen, one root cause, what to fix first', async () => {
    const { code, stdout } = await runCli(['test', INIT_201], { cwd: work });
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.length, stdout).toBeLessThanOrEqual(40);
    expect(stdout.match(/^\d+\) /gm)).toEqual(['1) ']);
    expect(stdout).toMatch(/^1\) lifecycle\.initialize \[required\]/m);
    expect(stdout).toMatch(/^Fix first: lifecycle\.initialize: POST \/initialize answered HTTP 201/m);
    expect(stdout).toMatch(/^chat {2}○ 5 blocked by lifecycle\.initialize: chat\.schema, /m);
  }, 30_000);

  it('JSON and JUnit keep every check, each blocked one with its root cause', async () => {
    const json = await runCli(['test', INIT_201, '--reporter', 'json'], { cwd: work });
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(report.results.map((r) => r.id)).toEqual(CHECKS.map((c) => c.id));
    const blocked = report.results.filter((r) => r.status === 'blocked');
    expect(blocked.length).toBeGreaterThan(30);
    expect(new Set(blocked.map((r) => r.blockedBy))).toEqual(new Set(['lifecycle.initialize']));
    expect(report.summary).toMatchObject({ failed: 1, blocked: blocked.length });
    const junit = await runCli(['test', INIT_201, '--reporter', 'junit'], { cwd: work });
    expect(junit.stdout.match(/<testcase /g)).toHaveLength(CHECKS.length);
    expect(junit.stdout).toContain('<skipped message="blocked by lifecycle.initialize"/>');
    expect(junit.stdout.match(/<failure /g)).toHaveLength(1);
  }, 30_000);

  it('a stream that cannot be read as SSE is one failure: the checks that read its events are blocked', async () => {
    const cases = [
      { defect: 'stream-json-content-type', root: 'streaming.content-type', says: /Content-Type "application\/json"/ },
      { defect: 'stream-single-newline', root: 'streaming.chunks-schema', says: /separated by a single newline.*End each event with a blank line/ },
    ];
    for (const { defect, root, says } of cases) {
      const json = await runCli(['test', join(PLUGINS_DIR, 'broken', defect), '--reporter', 'json', '--only', 'streaming.*'], { cwd: work });
      const report = JSON.parse(json.stdout) as JsonReport;
      const failed = report.results.filter((r) => r.status === 'fail');
      expect(failed.map((r) => r.id), defect).toEqual([root]);
      expect(failed[0]?.message).toMatch(says);
      for (const id of ['streaming.content', 'streaming.done-last']) {
        expect(report.results.find((r) => r.id === id), `${defect} ${id}`).toMatchObject({ status: 'blocked', blockedBy: root });
      }
    }
  }, 60_000);

  it('a float latency_ms is one failure block, not one per check that reads /health', async () => {
    const { code, stdout } = await runCli(['test', FLOAT_LATENCY], { cwd: work });
    expect(code).toBe(1);
    expect(stdout.match(/^\d+\) /gm)).toEqual(['1) ']);
    expect(stdout).toMatch(/^1\) health\.schema /m);
    expect(stdout).toMatch(/^Fix first: health\.schema/m);
  }, 30_000);

  it('a float created is one failure (chat.schema); the checks judged by the same schema are blocked by it', async () => {
    const { stdout } = await runCli(['test', FLOAT_CREATED, '--only', 'chat.*', '--only', 'capabilities.*', '--reporter', 'json'], { cwd: work });
    const report = JSON.parse(stdout) as JsonReport;
    const failed = report.results.filter((result) => result.status === 'fail').map((result) => result.id);
    expect(failed).toEqual(['chat.schema']);
    const unknown = report.results.find((result) => result.id === 'chat.unknown-fields');
    expect(unknown).toMatchObject({ status: 'blocked', blockedBy: 'chat.schema' });
  }, 30_000);

  it('--bail stops at the first required failure; the rest are reported as not run', async () => {
    const { code, stdout } = await runCli(['test', INIT_201, '--bail', '--reporter', 'json'], { cwd: work });
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    const index = report.results.findIndex((r) => r.status === 'fail');
    expect(report.results[index]?.id).toBe('lifecycle.initialize');
    const after = report.results.slice(index + 1);
    expect(after.length).toBeGreaterThan(30);
    for (const result of after) expect(result).toMatchObject({ status: 'skip', message: 'not run: --bail stopped the run at lifecycle.initialize' });
    // For people, what --bail did not run shares a line per group.
    const human = await runCli(['test', INIT_201, '--bail'], { cwd: work });
    expect(human.stdout).toMatch(/^chat {2}○ 5 not run \(--bail\): chat\.schema, /m);
    expect(human.stdout.trimEnd().split('\n').length).toBeLessThanOrEqual(40);
  }, 30_000);

  it('--strict fails on manifest warnings, as validate --strict does (a requird: typo)', async () => {
    const dir = join(work, 'typo');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    const yamlText = (await readFile(join(REFERENCE_DIR, 'plugin.yaml'), 'utf8'))
      .replace('args: [server.mjs]', `args: [${JSON.stringify(join(REFERENCE_DIR, 'server.mjs'))}]`)
      .replace(/(- name: api_key\n\s+type: string\n\s+)required: true/, '$1requird: true');
    expect(yamlText).toContain('requird: true');
    await writeFile(join(dir, 'plugin.yaml'), yamlText);
    await writeFile(join(dir, 'plugin.json'), jsonTwin(yamlText));
    const validate = await runCli(['validate', dir, '--strict'], { cwd: work });
    expect(validate.code).toBe(1);
    const strict = await runCli(['test', dir, '--strict', '--only', 'metadata.schema'], { cwd: work });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/1 warning \(--strict fails on warnings, as validate --strict does\)/);
    expect(strict.stderr).toMatch(/requird/);
    const lenient = await runCli(['test', dir, '--only', 'metadata.schema'], { cwd: work });
    expect(lenient.code).toBe(0);
  }, 30_000);

  it('manifest/yaml-only: a plugin.json that differs from the tested plugin.yaml fails too', async () => {
    const { mkdir } = await import('node:fs/promises');
    const dir = join(work, 'drifted');
    await mkdir(dir);
    const yamlText = (await readFile(join(REFERENCE_DIR, 'plugin.yaml'), 'utf8')).replace('args: [server.mjs]', `args: [${JSON.stringify(join(REFERENCE_DIR, 'server.mjs'))}]`);
    await writeFile(join(dir, 'plugin.yaml'), yamlText);
    await writeFile(join(dir, 'plugin.json'), jsonTwin(yamlText.replace('version: 1.0.0', 'version: 0.9.0')));
    const run = await runCli(['test', join(dir, 'plugin.yaml'), '--only', 'manifest/yaml-only', '--reporter', 'json'], { cwd: work });
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.results[0]).toMatchObject({ id: 'manifest/yaml-only', status: 'fail' });
    expect(report.results[0]?.message).toMatch(/plugin\.json differs from plugin\.yaml: the shipped host loads plugin\.json/);
    await writeFile(join(dir, 'plugin.json'), jsonTwin(yamlText));
    const same = await runCli(['test', join(dir, 'plugin.yaml'), '--only', 'manifest/yaml-only'], { cwd: work });
    expect(same.code).toBe(0);
  }, 30_000);
});
