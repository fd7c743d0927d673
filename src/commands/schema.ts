import type { SchemaOptions } from './options.js';
import type { CliIo } from '../output/io.js';
import { LoomPluginError } from '../core/errors.js';

// Placeholder until the command lands; replaced by its implementation.
export async function run(_options: SchemaOptions, _io: CliIo): Promise<number> {
  throw new LoomPluginError('E_USAGE', 'loom-plugin schema is not available in this build yet.');
}
