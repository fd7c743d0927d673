/**
 * A slot's config for one attempt: flags, config file and environment, plus what the
 * user typed when asked once for missing required fields. Every secret is registered
 * with the masker as soon as it is known.
 */
import type { Manifest } from '../manifest/types.js';
import { configEnvName } from '../protocol.js';
import type { ResolvedConfig } from '../runtime/config.js';
import { resolveDevConfig } from './dev-config.js';
import type { SlotContext } from './slot-context.js';

/** What a slot remembers between attempts: the answers given, and whether it asked already. */
export interface ConfigAnswers {
  answers: Record<string, unknown>;
  asked: boolean;
}

export async function resolveSlotConfig(ctx: SlotContext, key: string, manifest: Manifest, memory: ConfigAnswers): Promise<ResolvedConfig> {
  const input = {
    manifest,
    cwd: ctx.cwd,
    env: ctx.env,
    configFile: ctx.configFile,
    sectioned: ctx.sectioned,
    upstream: ctx.upstream,
    upstreamField: ctx.upstreamField,
    answers: memory.answers,
  };
  let config = await resolveDevConfig(input);
  ctx.secrets.add(...config.secrets);
  if (config.missingRequired.length > 0 && ctx.askConfig && !memory.asked) {
    memory.asked = true;
    const answers = await ctx.askConfig({ key, providerType: manifest.metadata.provider_type, manifest, missing: config.missingRequired });
    if (answers) {
      memory.answers = { ...memory.answers, ...answers };
      for (const field of manifest.metadata.config_schema ?? []) {
        const value = answers[field.name];
        if (field.sensitive && typeof value === 'string') ctx.secrets.add(value);
      }
      config = await resolveDevConfig({ ...input, answers: memory.answers });
      ctx.secrets.add(...config.secrets);
    }
  }
  return config;
}

/**
 * Which values are missing and where exactly to put them: the variable's own name, not
 * "LOOM_CONFIG_<NAME>" to work out, and the config file by name when there is one.
 */
export function missingConfigMessage(names: string[], configFile: string | undefined, section: string | undefined): string {
  const them = names.length === 1 ? 'it' : 'them';
  const vars = names.map(configEnvName).join(', ');
  const file = configFile ? `Add ${them} to ${configFile}${section ? ` under ${section}:` : ''}, or set ${vars} and restart dev.` : `Pass ${them} in a --config file, or set ${vars}, and restart dev.`;
  return `Missing required config: ${names.join(', ')}. ${file}`;
}
