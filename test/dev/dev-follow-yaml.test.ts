/**
 * `dev` keeps plugin.json in step: saving plugin.yaml rewrites its JSON twin before the
 * reload, and that write does not cause a second reload. And a plugin that cannot start
 * says what to run there too, as in `test`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { parse } from 'yaml';
import { copyFixture, startTestHost, type TestHost } from './helpers.js';

let t: TestHost | undefined;
let remove: (() => Promise<void>) | undefined;
afterEach(async () => {
  await t?.host.close();
  await remove?.();
});

it('a saved plugin.yaml rewrites plugin.json, and the reload that follows is the only one', async () => {
  const copy = await copyFixture('echo');
  remove = copy.remove;
  const yamlPath = join(copy.dir, 'plugin.yaml');
  const jsonPath = join(copy.dir, 'plugin.json');
  const yaml = await readFile(yamlPath, 'utf8');
  await writeFile(jsonPath, `${JSON.stringify(parse(yaml), null, 2)}\n`);
  t = await startTestHost({ path: copy.dir, watch: true, healthIntervalMs: 1000 });
  await t.host.ready;
  expect(t.host.state()[0]?.state).toBe('healthy');

  await writeFile(yamlPath, yaml.replace('version: 1.0.0', 'version: 1.1.0'));
  await t.waitFor((e) => e.type === 'attempt' && e.attempt.ok && e.attempt.reason === 'file change', 15_000);
  expect(JSON.parse(await readFile(jsonPath, 'utf8')).metadata.version).toBe('1.1.0');
  // Longer than the debounce: a reload caused by our own plugin.json write would show by now.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const reloads = t.events.filter((e) => e.type === 'attempt' && e.attempt.reason === 'file change');
  expect(reloads).toHaveLength(1);
  expect(t.host.state()[0]?.state).toBe('healthy');
}, 30_000);

it('a plugin.json edited by hand is not overwritten when plugin.yaml is saved: the edit is kept and dev says why', async () => {
  const copy = await copyFixture('echo');
  remove = copy.remove;
  const yamlPath = join(copy.dir, 'plugin.yaml');
  const jsonPath = join(copy.dir, 'plugin.json');
  const yaml = await readFile(yamlPath, 'utf8');
  await writeFile(jsonPath, `${JSON.stringify(parse(yaml), null, 2)}\n`);
  t = await startTestHost({ path: copy.dir, watch: true, healthIntervalMs: 1000 });
  await t.host.ready;

  const handEdited = (await readFile(jsonPath, 'utf8')).replace('Echoes what you say', 'Edited in plugin.json by hand');
  await writeFile(jsonPath, handEdited);
  await t.waitFor((e) => e.type === 'attempt' && e.attempt.reason === 'file change');
  await writeFile(yamlPath, yaml.replace('version: 1.0.0', 'version: 1.1.0'));
  const notice = await t.waitFor((e) => e.type === 'notice' && e.message.includes('plugin.json'), 15_000);
  expect(notice.type === 'notice' && notice.level).toBe('warning');
  expect(notice.type === 'notice' && notice.message).toContain('loom-plugin sync');
  await t.waitFor((e) => e.type === 'attempt' && e.attempt.ok && e.time >= notice.time);
  expect(await readFile(jsonPath, 'utf8')).toBe(handEdited);
}, 30_000);

it('a plugin that cannot start says what to run in dev too (a venv that was never created)', async () => {
  const copy = await copyFixture('echo');
  remove = copy.remove;
  const yamlPath = join(copy.dir, 'plugin.yaml');
  const yaml = await readFile(yamlPath, 'utf8');
  await writeFile(yamlPath, yaml.replace(/^command: .*$/m, 'command: env/bin/python'));
  await writeFile(join(copy.dir, 'requirements.txt'), 'flask\n');
  t = await startTestHost({ path: copy.dir, watch: false });
  await t.host.ready;
  const view = t.host.state()[0];
  expect(view?.state).toBe('failed');
  expect(view?.stateMessage).toContain('python3 -m venv env && env/bin/python -m pip install -r requirements.txt');
}, 30_000);
