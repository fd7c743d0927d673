/**
 * Values that may carry a secret are never repeated by a usage error: not on stderr, not
 * in the JSON error document, not in a GitHub ::error annotation. A URL with a password
 * that did not parse (port 99999) used to be quoted whole, as did ?api_key= queries and
 * an unknown --opt=value.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = resolve(import.meta.dirname, '../../bin/loom-plugin.js');

function run(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, GITHUB_ACTIONS: 'true' }, timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('secrets in the command line stay out of the output', () => {
  it.each([
    [['test', '--endpoint', 'http://admin:hunter2@localhost:99999'], 'hunter2', /must not contain a user name or password/],
    [['test', '--endpoint', 'http://admin:hunter2@localhost:8080'], 'hunter2', /must not contain a user name or password/],
    [['test', '--endpoint', 'admin:hunter2@localhost:8080'], 'hunter2', /must not contain a user name or password/],
    [['test', '-r', 'json', '--endpoint', 'http://admin:hunter2@localhost:99999'], 'hunter2', /must not contain a user name or password/],
    [['test', '--endpoint', 'http://localhost:8080/?api_key=sk-SECRET'], 'sk-SECRET', /without a \?query or #fragment/],
    [['test', '--endpoint', 'http://localhost:99999/?api_key=sk-SECRET'], 'sk-SECRET', /is not a valid URL/],
    [['test', '--endpoint', 'http://localhost:8080/#sk-SECRET'], 'sk-SECRET', /without a \?query or #fragment/],
    [['test', '--endpoint', 'http://localhost:99999/#sk-SECRET'], 'sk-SECRET', /is not a valid URL/],
    [['test', '--endpoint', 'ftp://x/?token=sk-SECRET'], 'sk-SECRET', /must be an http:\/\/ or https:\/\/ URL/],
    [['test', '--bogus=sk-live-123'], 'sk-live-123', /Unknown option "--bogus=…"/],
    [['test', '-r', 'json', '--bogus=sk-live-123'], 'sk-live-123', /Unknown option "--bogus=…"/],
    [['validate', '-f', 'json', '--api-key=sk-live-123'], 'sk-live-123', /Unknown option "--api-key=…"/],
  ])('%j', (args, secret, message) => {
    const result = run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout + result.stderr).not.toContain(secret);
    // The secret is not hidden by an empty stdout: annotations (GitHub Actions) or a document is there.
    expect(result.stdout).toMatch(/::error|"error"/);
  });
});
