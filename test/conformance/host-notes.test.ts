/**
 * Notes for what no HTTP check can see: a YAML-only manifest is skipped by the shipped
 * host (its YAML decoding ignores snake_case keys), so the report says so, without
 * failing a check; a plugin.json twin beside it makes the note go away.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostNotes } from '../../src/core/conformance/host-notes.js';
import { runCli } from '../helpers/memory-io.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/plugins');

describe('host notes', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'loom-notes-'));
    await cp(join(FIXTURES, 'reference'), join(work, 'yaml-only'), { recursive: true });
    await cp(join(FIXTURES, 'reference'), join(work, 'with-twin'), { recursive: true });
    const yamlText = await readFile(join(work, 'with-twin', 'plugin.yaml'), 'utf8');
    await writeFile(join(work, 'with-twin', 'plugin.json'), JSON.stringify(parse(yamlText), null, 2));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('a YAML manifest without a plugin.json twin gets the note; JSON or a twin do not', () => {
    expect(hostNotes(join(work, 'yaml-only', 'plugin.yaml'))).toEqual([expect.stringContaining('ignores snake_case keys in YAML manifests')]);
    expect(hostNotes(join(work, 'with-twin', 'plugin.yaml'))).toEqual([]);
    expect(hostNotes(join(work, 'with-twin', 'plugin.json'))).toEqual([]);
  });

  it('the human report shows it, the JSON report carries it, and the run still passes', async () => {
    const human = await runCli(['test', join(work, 'yaml-only'), '--only', 'metadata.*'], { cwd: work });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Note: The shipped Loom host ignores snake_case keys in YAML manifests/);
    const json = await runCli(['test', join(work, 'yaml-only', 'plugin.yaml'), '--only', 'metadata.*', '--reporter', 'json'], { cwd: work });
    expect((JSON.parse(json.stdout) as { notes?: string[] }).notes).toHaveLength(1);
    const twin = await runCli(['test', join(work, 'with-twin', 'plugin.yaml'), '--only', 'metadata.*', '--reporter', 'json'], { cwd: work });
    expect(twin.code).toBe(0);
    expect((JSON.parse(twin.stdout) as { notes?: string[] }).notes).toBeUndefined();
  }, 60_000);
});
