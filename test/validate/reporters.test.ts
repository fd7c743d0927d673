/** Reporter details that the CLI tests do not pin down: escaping and edge cases. */
import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { escapeData, escapeProperty, renderGithub } from '../../src/output/diagnostics/github.js';
import { renderJunit } from '../../src/output/diagnostics/junit.js';
import { xmlEscape } from '../../src/output/xml-escape.js';
import { renderStylish } from '../../src/output/diagnostics/stylish.js';
import { renderSarif } from '../../src/output/diagnostics/sarif.js';
import { displayPath } from '../../src/output/diagnostics/shared.js';
import type { ManifestFileResult } from '../../src/core/manifest/types.js';
import { checkManifestText } from '../../src/core/validate/check-manifest.js';

const nasty: ManifestFileResult = {
  file: '/srv/a, b:c/plugin.yaml',
  dir: '/srv/a, b:c',
  manifest: undefined,
  diagnostics: [
    { file: '/srv/a, b:c/plugin.yaml', line: 2, column: 3, endLine: 2, endColumn: 9, severity: 'error', rule: 'schema/type', message: '100% <bad> & "odd"\nsecond line\r', hint: "it's" },
  ],
};

describe('github', () => {
  it('escapes data and properties as the runner expects', () => {
    expect(escapeData('50%\r\n')).toBe('50%25%0D%0A');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
    const out = renderGithub({ files: [nasty], errorCount: 1, warningCount: 0 }, { cwd: '/srv' });
    expect(out.split('\n')[0]).toBe("::error file=a%2C b%3Ac/plugin.yaml,line=2,col=3,endLine=2,endColumn=9,title=schema/type::100%25 <bad> & \"odd\"%0Asecond line%0D%0Ahint: it's");
  });
});

describe('junit', () => {
  it('escapes XML and drops characters XML cannot carry', () => {
    expect(xmlEscape('<a href="x">&\'\u0001\u0007ok')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;\uFFFD\uFFFDok');
    const xml = renderJunit({ files: [nasty], errorCount: 1, warningCount: 0 }, { cwd: '/srv' });
    expect(xml).toContain('message="100% &lt;bad&gt; &amp; &quot;odd&quot;\nsecond line\r"');
    expect(xml).not.toMatch(/<bad>/);
  });
});

describe('sarif', () => {
  it('encodes URIs and keeps regions', () => {
    const sarif = JSON.parse(renderSarif({ files: [nasty], errorCount: 1, warningCount: 0 }, { cwd: '/srv' }));
    const location = sarif.runs[0].results[0].locations[0].physicalLocation;
    expect(location.artifactLocation.uri).toBe('a,%20b:c/plugin.yaml');
    expect(location.region).toEqual({ startLine: 2, startColumn: 3, endLine: 2, endColumn: 9 });
  });
});

describe('stylish', () => {
  it('aligns positions and prints hints; lists clean files on request', () => {
    const clean: ManifestFileResult = { file: '/srv/ok/plugin.yaml', dir: '/srv/ok', manifest: undefined, diagnostics: [] };
    const out = renderStylish([nasty, clean], { cwd: '/srv', style: new Chalk({ level: 0 }), listClean: true });
    expect(out).toContain('a, b:c/plugin.yaml\n  2:3  error    100% <bad>');
    expect(out).toContain("       hint: it's");
    expect(out).toContain('ok/plugin.yaml ok');
    expect(out).toContain('✖ 1 problem (1 error, 0 warnings) in 2 manifests.');
  });

  it('shows paths outside the working folder as absolute', () => {
    expect(displayPath('/elsewhere/plugin.yaml', '/srv')).toBe('/elsewhere/plugin.yaml');
    expect(displayPath('/srv/x/plugin.yaml', '/srv')).toBe('x/plugin.yaml');
  });
});

describe('control characters quoted from a manifest', () => {
  // A key that clears the screen and retitles the terminal, quoted in an unknown-key finding.
  const HOSTILE = 'type: http\nendpoint: http://127.0.0.1:8090\nauto_start: true\ncommand: x\nmetadata:\n  name: X\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: x\n"\\e[2J\\e]0;pwned\\a": 1\n';
  // eslint-disable-next-line no-control-regex
  const RAW = /[\u0000-\u0008\u000B-\u001F\u007F]/;

  it('reach neither the terminal (stylish) nor the CI log (github) raw', async () => {
    const result = await checkManifestText(HOSTILE, '/srv/p/plugin.yaml');
    expect(result.diagnostics.some((d) => d.message.includes('\u001b[2J'))).toBe(true);
    const stylish = renderStylish([result], { cwd: '/srv', style: new Chalk({ level: 0 }) });
    expect(stylish).not.toMatch(RAW);
    expect(stylish).toContain('\\x1b[2J\\x1b]0;pwned\\x07');
    const github = renderGithub({ files: [result], errorCount: 0, warningCount: 1 }, { cwd: '/srv' });
    expect(github).not.toMatch(RAW);
    expect(github).toContain('\\x1b[2J\\x1b]0;pwned\\x07');
  });
});
