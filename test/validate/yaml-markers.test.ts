/**
 * Document markers (`---`, `%YAML 1.2`, `...`) are blanked before the fast reader, so a
 * manifest that starts with `---` is read without the full parser, at any size. The
 * differential corpus (fast-full-differential.test.ts) holds the findings to the full
 * parser's; this holds what is blanked and what is left alone.
 */
import { describe, expect, it } from 'vitest';
import { withoutDocumentMarkers } from '../../src/core/manifest/yaml-markers.js';
import { readSimpleYamlOrPrefix } from '../../src/core/manifest/fast-yaml.js';
import { checkManifestText } from '../../src/core/validate/check-manifest.js';

const HEAD = 'type: http\nendpoint: http://127.0.0.1:8090\nauto_start: true\ncommand: ./start\nmetadata:\n  name: Marked\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: marked\n';

describe('document markers', () => {
  it('blanks a leading ---, a %YAML 1.2 directive and a trailing ..., keeping every offset', () => {
    const text = `# c\n%YAML 1.2\n--- # doc\n${HEAD}...\n`;
    const out = withoutDocumentMarkers(text);
    expect(out).toHaveLength(text.length);
    expect(out).toBe(`# c\n${' '.repeat(9)}\n${' '.repeat(9)}\n${HEAD}${' '.repeat(3)}\n`);
  });

  it('leaves alone what changes the reading or is another document', () => {
    for (const text of [`%YAML 1.1\n---\n${HEAD}`, `%TAG ! tag:x,2000:\n---\n${HEAD}`, `--- !!map\n${HEAD}`, `---\n${HEAD}---\nx: 1\n`, `%YAML 1.2\n${HEAD}`, `${HEAD}... # end\nx: 1\n`]) {
      expect(withoutDocumentMarkers(text), text).toBe(text);
    }
    expect(withoutDocumentMarkers(HEAD)).toBe(HEAD);
  });

  it('leaves a marker with a comment glued to it: yaml reads `---#c` as a syntax error, not a marker', async () => {
    for (const text of [`---#c\n${HEAD}`, `${HEAD}...#c\n`, `%YAML 1.2#c\n---\n${HEAD}`, `%YAML 1.2\n---#c\n${HEAD}`]) {
      expect(withoutDocumentMarkers(text), text).toBe(text);
      const found = (await checkManifestText(text, 'plugin.yaml')).diagnostics.map((d) => d.rule);
      expect(found, text).toContain('syntax/yaml');
    }
  });

  it('lets the fast reader read a manifest that starts with ---', () => {
    expect(readSimpleYamlOrPrefix(`---\n${HEAD}`).read).toBeUndefined();
    expect(readSimpleYamlOrPrefix(withoutDocumentMarkers(`---\n${HEAD}`)).read?.value).toMatchObject({ type: 'http', command: './start' });
  });

  it('validates a 60 KiB manifest that starts with --- instead of refusing it as too complex for the full parser', async () => {
    const env = Array.from({ length: 3_000 }, (_, i) => `  KEY_${i}: "value ${i}"\n`).join('');
    const text = `---\n${HEAD}env:\n${env}`;
    expect(text.length).toBeGreaterThan(60_000);
    const result = await checkManifestText(text, 'plugin.yaml');
    expect(result.diagnostics.map((d) => d.rule)).toEqual([]);
    // The positions are the full parser's: a finding after the marker is on its own line.
    const broken = await checkManifestText(`---\n${HEAD}auto_start: maybe\nenv:\n${env}`, 'plugin.yaml');
    expect(broken.diagnostics.map((d) => `${d.rule} ${d.line}`)).toEqual(['syntax/duplicate-key 11', 'schema/type 11']);
  });
});
