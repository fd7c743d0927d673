/** One /health poll of a serving plugin, turned into the sample the dashboard plots. */
import type { PluginInstance } from './plugin-instance.js';
import type { HealthSample } from './types.js';

/** healthy only for HTTP 200 with `healthy: true`; the message says why not. */
export async function probeHealth(instance: PluginInstance, timeoutMs: number): Promise<HealthSample> {
  const answer = await instance.call('GET', '/health', undefined, timeoutMs);
  const json = answer.json as { healthy?: unknown; message?: unknown } | undefined;
  const healthy = answer.status === 200 && json?.healthy === true;
  const message = typeof json?.message === 'string' ? json.message : answer.error ?? (answer.status === 200 ? undefined : `HTTP ${answer.status}`);
  return { time: Date.now(), healthy, latencyMs: Math.round(answer.latencyMs), ...(answer.status ? { status: answer.status } : {}), ...(message ? { message } : {}) };
}
