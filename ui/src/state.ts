/** What the page knows, shared by its panels. */
import type { LogLine, PluginView, RequestEntry } from './types.js';

export const state = {
  plugins: [] as PluginView[],
  requests: [] as RequestEntry[],
  selected: null as string | null,
  selectedRequest: null as number | null,
  logs: {} as Record<string, LogLine[]>,
};

export function selectedPlugin(): PluginView | undefined {
  return state.plugins.find((plugin) => plugin.key === state.selected);
}
