/** Looking things up in the manifest data and the schema while turning ajv errors into findings. */
import type { ErrorObject } from 'ajv';
import { pointerSegments } from '../manifest/source-tree.js';
import type { DataPath } from './rule-context.js';

export function valueAt(data: unknown, path: DataPath): unknown {
  let node = data;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[String(segment)];
  }
  return node;
}

/** Keys the schema allows at the object an `additionalProperties` error came from. */
function knownKeys(schema: Record<string, unknown>, schemaPath: string): string[] {
  let node: unknown = schema;
  const segments = schemaPath.replace(/^#\//, '').split('/').slice(0, -1);
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return [];
    node = (node as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  const properties = (node as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties).filter((key) => key !== '$schema') : [];
}

/** Per-call lookups, shaped for 100k errors: most share an instance path with the error before. */
export class Lookup {
  private lastPointer: string | undefined;
  private lastPath: string[] = [];
  private readonly known = new Map<string, string[]>();
  private typedPaths: Set<string> | undefined;

  constructor(
    private readonly errors: readonly ErrorObject[],
    readonly data: unknown,
    private readonly schema: Record<string, unknown>,
  ) {}

  /** A wrong type makes enum/pattern/format errors at the same place noise (built on first use). */
  typed(instancePath: string): boolean {
    this.typedPaths ??= new Set(this.errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
    return this.typedPaths.has(instancePath);
  }

  path(pointer: string): string[] {
    if (pointer !== this.lastPointer) {
      this.lastPointer = pointer;
      this.lastPath = pointerSegments(pointer);
    }
    return this.lastPath;
  }

  knownKeys(schemaPath: string): string[] {
    let keys = this.known.get(schemaPath);
    if (!keys) this.known.set(schemaPath, (keys = knownKeys(this.schema, schemaPath)));
    return keys;
  }
}
