/**
 * A --config file laid out the way dev reads one for a folder of plugins (a section per
 * provider_type), given for one plugin: test and dev both say the fields go at the top
 * level. dev used to print only the error line, without the hint test gave.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryIo, runCli } from '../helpers/memory-io.js';
import { copyFixture, waitUntil } from './helpers.js';

const TOP_LEVEL_HINT = 'Hint: For one plugin the fields go at the top level of the file, not under "echo-dev:"';

let fixture: { dir: string; remove: () => Promise<void> };
let sectioned: string;
beforeAll(async () => {
  fixture = await copyFixture('echo');
  sectioned = join(fixture.dir, '..', 'sectioned.yaml');
  await writeFile(sectioned, 'echo-dev:\n  api_key: sk-section\n  endpoint: https://api.example.com\n');
});
afterAll(() => fixture?.remove());

describe("a --config file with the plugin's provider_type as a section", () => {
  it('test: the error, and the hint to put the fields at the top level', async () => {
    const result = await runCli(['test', fixture.dir, '--config', sectioned], { env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('sets "echo-dev", which is not a field of this plugin\'s config_schema.');
    expect(result.stderr).toContain(TOP_LEVEL_HINT);
  });

  it('dev: the failed line, then the same hint', async () => {
    const io = memoryIo({ env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    const run = main(['dev', fixture.dir, '--port', '0', '--no-open', '--no-watch', '--config', sectioned], io);
    try {
      await waitUntil(() => io.stdout.text.includes('Hint:'), 20_000);
    } finally {
      io.controller.abort();
    }
    expect(await run).toBe(130);
    expect(io.stdout.text).toMatch(/\[echo-dev\] failed The config file .*sets "echo-dev", which is not a field/);
    expect(io.stdout.text).toContain(`    ${TOP_LEVEL_HINT}`);
  });

  it('a key that is a field name misspelt keeps its did-you-mean hint', async () => {
    const misspelt = join(fixture.dir, '..', 'misspelt.yaml');
    await writeFile(misspelt, 'api_kye: sk-x\n');
    const result = await runCli(['test', fixture.dir, '--config', misspelt], { env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    expect(result.stderr).toContain('Hint: Did you mean "api_key"?');
  });
});
