/**
 * Under `dev`, a saved plugin.yaml brings its plugin.json twin along (what `loom-plugin
 * sync` does, without the fixes: dev never rewrites the file an editor has open). Only a
 * twin that exists is rewritten, and only from a YAML manifest without errors; anything
 * else is left for the reload's validation to report.
 *
 * A twin that some plugin.yaml of this session gives is only derived text, safe to
 * replace. One that none gives was edited by hand (or predates the session): rewriting it
 * would silently lose that edit, so it is left alone and the author is told what to do.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { JSON_TWIN_NAME, jsonTwinText } from '../manifest/json-twin.js';
import { syncPlugin } from '../sync/sync-plugin.js';

const YAML_NAMES = ['plugin.yaml', 'plugin.yml'];
/** Renderings remembered per plugin (one per distinct plugin.yaml saved). */
const REMEMBERED = 64;

export interface FollowResult {
  /** Files written (so the watcher can ignore its own writes). */
  written: string[];
  notice?: { level: 'info' | 'warning'; message: string };
}

export class YamlFollower {
  /** plugin.json texts that a plugin.yaml seen in this session gives. */
  private readonly derived = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly cwd: string,
  ) {}

  /**
   * Remembers what the plugin.yaml on disk now gives (call once before watching); returns
   * its file name, so follow() need not read the folder again to name it.
   */
  async remember(): Promise<string | undefined> {
    const yaml = await this.yamlText();
    if (yaml === undefined) return undefined;
    try {
      this.derived.add(await jsonTwinText(yaml.text));
    } catch {
      return yaml.name; // not YAML yet: nothing derives from it
    }
    if (this.derived.size > REMEMBERED) this.derived.delete(this.derived.values().next().value!);
    return yaml.name;
  }

  async follow(changed: readonly string[], signal?: AbortSignal): Promise<FollowResult> {
    if (!changed.some((file) => dirname(file) === this.dir && YAML_NAMES.includes(basename(file)))) return { written: [] };
    const yamlName = (await this.remember()) ?? 'plugin.yaml';
    let twin: string;
    try {
      twin = await readFile(join(this.dir, JSON_TWIN_NAME), 'utf8');
    } catch {
      return { written: [] }; // no twin: nothing to keep in step
    }
    if (!this.derived.has(twin)) {
      return {
        written: [],
        notice: {
          level: 'warning',
          message: `${JSON_TWIN_NAME} was not rewritten from ${yamlName}: it holds something ${yamlName} never gave (edited by hand?), and rewriting it would lose that. Copy the change into ${yamlName}, then run \`loom-plugin sync\` to rewrite ${JSON_TWIN_NAME}.`,
        },
      };
    }
    try {
      const result = await syncPlugin(this.dir, { cwd: this.cwd, noFixes: true, ...(signal ? { signal } : {}) });
      if (result.written.length === 0) return { written: [] };
      return { written: result.written, notice: { level: 'info', message: `${JSON_TWIN_NAME} rewritten from ${yamlName} (the shipped Loom host reads ${JSON_TWIN_NAME}).` } };
    } catch {
      return { written: [] }; // a manifest the reload will report on
    }
  }

  private async yamlText(): Promise<{ name: string; text: string } | undefined> {
    for (const name of YAML_NAMES) {
      try {
        return { name, text: await readFile(join(this.dir, name), 'utf8') };
      } catch {
        // try the next name
      }
    }
    return undefined;
  }
}
