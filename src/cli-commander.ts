/**
 * commander, loaded as the CommonJS module it is. Imported from ESM, its package sends
 * `import` to esm.mjs, a wrapper that imports the CommonJS file, which Node then scans for
 * export names: one more module and a source scan on every start, --version included.
 */
import { createRequire } from 'node:module';
import type * as Commander from 'commander';

const commander = createRequire(import.meta.url)('commander') as typeof Commander;

export const { Command, CommanderError, Option } = commander;
export type Command = Commander.Command;
export type CommanderError = Commander.CommanderError;
export type Option = Commander.Option;
