/** Public API of the dev host (re-exported from the package entry). */
export { startDevHost, DEFAULT_DEV_PORT } from './dev-host.js';
export type {
  DevHost,
  DevHostOptions,
  DevEvent,
  StampedEvent as DevStampedEvent,
  PluginState as DevPluginState,
  PluginView as DevPluginView,
  HealthSample as DevHealthSample,
  AttemptInfo as DevAttemptInfo,
  RequestLogEntry as DevRequestLogEntry,
  MissingConfigRequest as DevMissingConfigRequest,
  ModelInfo as DevModelInfo,
} from './types.js';
