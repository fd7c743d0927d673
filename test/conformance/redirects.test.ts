/**
 * The host's client follows redirects (Go's http.Client). Go's own ServeMux answers the
 * //initialize, //metadata and //health that an endpoint ending in "/" produces with a
 * redirect to the clean path: 307 since Go 1.26 (the host repeats the POST with its body,
 * the plugin loads), 301 before (the host turns POST //initialize into GET /initialize,
 * which a "POST /initialize" pattern does not serve). The verdict follows the toolchain that
 * built the plugin, as the host's would.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLUGINS_DIR } from '../fixtures/plugins/run-fixture.js';
import { runCli } from '../helpers/memory-io.js';

const goMinor = Number(/go1\.(\d+)/.exec(execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }))?.[1] ?? 0);

describe('a Go ServeMux plugin whose endpoint ends in "/" (kestrel-go)', () => {
  it('is judged through the redirects the host follows', async () => {
    const dir = join(PLUGINS_DIR, 'strangers', 'kestrel-go');
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, GOCACHE: process.env.GOCACHE, GOPATH: process.env.GOPATH, GOFLAGS: process.env.GOFLAGS };
    const run = await runCli(['test', dir, '--startup-timeout', '180s', '--reporter', 'json'], { cwd: dir, env });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as { results: Array<{ id: string; status: string; message?: string }> };
    const failed = report.results.filter((result) => result.status === 'fail');
    if (goMinor >= 26) {
      expect(failed.map((result) => `${result.id}: ${result.message}`)).toEqual([]);
      expect(run.code).toBe(0);
    } else {
      expect(failed.map((result) => result.id)).toEqual(['lifecycle.initialize']);
      expect(failed[0]?.message).toMatch(/answered HTTP 4\d\d after a 301 redirect to GET \/initialize \(the host's client follows 301 with a GET without the body\)/);
    }
  }, 240_000);
});
