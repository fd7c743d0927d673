/**
 * plugin.json, the JSON twin of plugin.yaml. The shipped Loom host ignores snake_case
 * keys in YAML manifests (docs/protocol.md), so it needs the JSON one; authors edit the
 * YAML. `init` writes the twin and `sync` (and `dev`, on save) rewrites it, both with this
 * function, so the two always have the same form: the parsed YAML, two-space JSON.
 */
export const JSON_TWIN_NAME = 'plugin.json';

export async function jsonTwinText(yamlText: string): Promise<string> {
  const { parse } = await import('yaml');
  return jsonTwinOf(parse(yamlText));
}

/** The twin of manifest data already parsed (by the check), in the same form. */
export function jsonTwinOf(data: unknown): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** Data paths where two parsed manifests differ (`metadata.version`), at most `limit`. */
export function differingPaths(before: unknown, after: unknown, limit = 5): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (out.length >= limit) return;
    const object = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
    if (object(a) && object(b) && Array.isArray(a) === Array.isArray(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        walk(a[key], b[key], Array.isArray(a) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`);
      }
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(path === '' ? 'the whole file' : path);
  };
  walk(before, after, '');
  return out;
}
