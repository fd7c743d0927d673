/**
 * checkEndpoint settles the common endpoint (http(s)://host:port/path) without WHATWG URL.
 * For every string, its findings and port must be those of checkEndpointByUrl, the URL
 * path it shortcuts; and the shortcut must really take the common shapes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding, RuleContext } from '../../src/core/validate/rule-context.js';
import { checkEndpoint, checkEndpointByUrl, commonEndpointPort } from '../../src/core/validate/rules/process.js';

function run(check: (ctx: RuleContext, endpoint: string) => number | undefined, endpoint: string): { port: number | undefined; findings: Finding[] } {
  const findings: Finding[] = [];
  const port = check({ file: 'plugin.yaml', data: { endpoint }, report: (finding) => void findings.push(finding) }, endpoint);
  return { port, findings };
}

function same(endpoint: string): void {
  expect(run(checkEndpoint, endpoint), endpoint).toEqual(run(checkEndpointByUrl, endpoint));
}

const label = fc.stringMatching(/^[a-zA-Z0-9-]{1,8}$/);
const host = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.')),
  fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.')),
  fc.constantFrom('localhost', 'xn--bcher-kva.example', 'XN--a.b', 'a..b', 'a.b.', '0x7f.1', '[::1]', 'user@host', 'h_st', '01.2.3.4', 'exa\u00e9mple', 'a.0x10', 'b.09'),
);
const port = fc.oneof(fc.constant(''), fc.constant(':'), fc.integer({ min: 0, max: 99999 }).map((n) => `:${n}`), fc.integer({ min: 0, max: 999 }).map((n) => `:0${n}`));
const path = fc.array(fc.stringMatching(/^[a-zA-Z0-9._~%?#@ -]{0,6}$/), { maxLength: 3 }).map((parts) => parts.map((p) => `/${p}`).join(''));
const scheme = fc.constantFrom('http://', 'https://', 'HTTP://', 'HtTpS://', 'ftp://', 'http:/', 'http:', '', ' http://');
const endpoint = fc.tuple(scheme, host, port, path, fc.constantFrom('', '/', '?q=1', '#f', ' ', '\t')).map((parts) => parts.join(''));
/** Near the common shape: what the shortcut takes, and its edges (ports past 65535, numeric last labels, xn--). */
const nearCommon = fc
  .tuple(
    fc.constantFrom('http://', 'https://', 'HTTP://'),
    fc.oneof(fc.array(label, { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.')), fc.array(fc.integer({ min: 0, max: 260 }), { minLength: 3, maxLength: 5 }).map((parts) => parts.join('.'))),
    fc.integer({ min: 0, max: 70000 }).map((n) => `:${n}`),
    fc.array(fc.stringMatching(/^[a-zA-Z0-9._~-]{0,5}$/), { maxLength: 3 }).map((parts) => parts.map((p) => `/${p}`).join('')),
  )
  .map((parts) => parts.join(''));

describe('checkEndpoint shortcut', () => {
  it('takes the common shapes', () => {
    expect(commonEndpointPort('http://127.0.0.1:8090')).toBe(8090);
    expect(commonEndpointPort('https://api.example.com:443/v1/')).toBe(443);
    expect(commonEndpointPort('HTTP://Localhost:0080')).toBe(80);
    for (const other of ['http://localhost', 'http://h:99999', 'http://1.2.3:80', 'http://256.0.0.1:80', 'http://xn--a.com:80', 'http://h:80?x', ' http://h:1', 'http://a.1:80']) {
      expect(commonEndpointPort(other), other).toBeUndefined();
    }
  });

  it('gives the findings and port of the URL path on fixed cases', () => {
    for (const value of ['http://127.0.0.1:8090', 'http://127.0.0.1:8090/', 'https://h.example:443//', 'http://h:80', 'https://h:0443', 'http://h:0', 'http://h:65535', 'http://h:65536', 'http://h', 'ftp://h:21', 'http://:80', 'not a url', 'http://a.b.c.d.e:1/x/y/', 'http://h:1?x/']) same(value);
  });

  it('gives the findings and port of the URL path on generated endpoints', () => {
    let shortcut = 0;
    fc.assert(
      fc.property(fc.oneof(endpoint, nearCommon), (value) => {
        if (commonEndpointPort(value) !== undefined) shortcut += 1;
        same(value);
      }),
      { numRuns: 5000 },
    );
    // The comparison means something only if many generated endpoints took the shortcut.
    expect(shortcut).toBeGreaterThan(500);
  });
});
