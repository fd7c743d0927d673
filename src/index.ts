/**
 * Programmatic API of loom-plugin: the same core the CLI uses, with no printing and no
 * process exits. Results are plain data; render them with the reporters if you like.
 */
export * from './core/errors.js';
export * from './core/runtime/index.js';
export * from './core/schema-registry.js';
export * from './core/schema-strict-json.js';
