/** The plugin runtime: process supervision, HTTP client, mock upstream, config. */
export * from './plugin-process.js';
export * from './http-client.js';
export * from './mock-upstream.js';
export * from './config.js';
export { livePluginGroups } from './process-registry.js';
