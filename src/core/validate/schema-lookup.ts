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
  private parentPointer: string | undefined;
  private parent: unknown;

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

  /**
   * The value a pointer points at. The parent is kept from the call before: 100k errors
   * in one mapping look up 100k children of one parent, each a single property read
   * instead of a split pointer and a walk from the root.
   */
  value(pointer: string): unknown {
    // lastIndexOf by hand: V8 runs String.prototype.lastIndexOf in its runtime, not as a builtin.
    let slash = pointer.length - 1;
    while (slash >= 0 && pointer.charCodeAt(slash) !== 47) slash--;
    if (slash === -1) return this.data;
    if (this.parentPointer === undefined || slash !== this.parentPointer.length || !pointer.startsWith(this.parentPointer)) {
      this.parentPointer = pointer.slice(0, slash);
      this.parent = valueAt(this.data, pointerSegments(this.parentPointer));
    }
    const node = this.parent;
    if (node === null || typeof node !== 'object') return undefined;
    const last = pointer.slice(slash + 1);
    return (node as Record<string, unknown>)[last.includes('~') ? last.replace(/~1/g, '/').replace(/~0/g, '~') : last];
  }

  knownKeys(schemaPath: string): string[] {
    let keys = this.known.get(schemaPath);
    if (!keys) this.known.set(schemaPath, (keys = knownKeys(this.schema, schemaPath)));
    return keys;
  }
}
