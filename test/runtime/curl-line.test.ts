import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlLine } from '../../src/core/runtime/curl-line.js';

/** What the printed --data-raw argument sends, as the shell expands it with `env` set. */
function replayedBody(line: string, env: Record<string, string>): string {
  const argument = line.slice(line.indexOf('--data-raw ') + '--data-raw '.length);
  return execFileSync('sh', ['-c', `printf '%s' ${argument}`], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
}

/** An /initialize request: its body is the config object itself. */
const request = (config: Record<string, unknown>) => ({
  method: 'POST',
  url: 'http://127.0.0.1:8090/initialize',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(config),
});

describe('curl line: sensitive config fields from LOOM_CONFIG_<NAME>', () => {
  it('sends the same JSON as the run, read from the variables, with no secret in the line', () => {
    const config = { api_key: 'sk-plain-123', port: 8443, verbose: true };
    const line = curlLine(request(config), ['sk-plain-123', '8443'], ['api_key', 'port', 'verbose']);
    expect(line).not.toContain('sk-plain-123');
    expect(line).not.toContain('8443');
    const sent = replayedBody(line, { LOOM_CONFIG_API_KEY: 'sk-plain-123', LOOM_CONFIG_PORT: '8443', LOOM_CONFIG_VERBOSE: 'true' });
    // A number stays a number (not "8443"), a boolean a boolean.
    expect(JSON.parse(sent)).toEqual(config);
  });

  it('masks a secret the shell could not put into JSON (a quote or backslash), so the body stays JSON', () => {
    const secret = 'sk-"quoted"\\slash';
    const line = curlLine(request({ api_key: secret, model: 'm' }), [secret], ['api_key']);
    expect(line).not.toContain('quoted');
    const sent = replayedBody(line, { LOOM_CONFIG_API_KEY: secret });
    expect(() => JSON.parse(sent)).not.toThrow();
    expect(JSON.parse(sent).model).toBe('m');
    expect(JSON.parse(sent).api_key).not.toBe(secret);
  });
});
