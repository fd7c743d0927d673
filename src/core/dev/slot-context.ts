/** What a plugin slot needs from the dev host: its settings, the event bus and callbacks. */
import type { DevConfigInput } from './dev-config.js';
import type { SecretMasker } from '../runtime/mask-secrets.js';
import type { EventBus } from './event-bus.js';
import type { MissingConfigRequest } from './types.js';
import type { PluginSlot } from './plugin-slot.js';

/** Where a slot's config comes from is the config resolver's input, less the per-attempt parts. */
export interface SlotContext extends Omit<DevConfigInput, 'manifest' | 'answers'> {
  startupTimeoutMs: number;
  healthIntervalMs: number | undefined;
  restartBaseMs: number;
  restartMaxMs: number;
  drainTimeoutMs: number;
  signal: AbortSignal;
  bus: EventBus;
  secrets: SecretMasker;
  askConfig: ((request: MissingConfigRequest) => Promise<Record<string, unknown> | undefined>) | undefined;
  /** The set of serving instances or their models changed: rebuild the routing table. */
  onServingChanged(): void;
  /** Queue an attempt for this slot (serialised with all other attempts). */
  schedule(slot: PluginSlot, reason: string, revalidate: boolean): void;
  /** True when another slot already owns this provider_type. */
  providerTaken(providerType: string, slot: PluginSlot): boolean;
  /** false (--no-build): start what is there; a stale build output is only reported. */
  build: boolean;
}
