/**
 * Asks for required config values the dev host could not find (only on a TTY). Sensitive
 * fields are asked with a masked prompt and never echoed.
 */
import type { MissingConfigRequest } from '../core/dev/types.js';
import type { CliIo } from './io.js';

export function createConfigAsker(io: CliIo): (request: MissingConfigRequest) => Promise<Record<string, unknown> | undefined> {
  return async (request) => {
    const { input, password } = await import('@inquirer/prompts');
    const context = { input: io.stdin as NodeJS.ReadableStream, output: io.stdout as unknown as NodeJS.WritableStream, clearPromptOnDone: false };
    io.stdout.write(`\n${request.providerType} needs config values that were not found (--config, LOOM_CONFIG_<NAME>, defaults):\n`);
    // Null prototype: a field named __proto__ is an answer like any other.
    const answers = Object.create(null) as Record<string, unknown>;
    for (const name of request.missing) {
      const field = request.manifest.metadata.config_schema?.find((f) => f.name === name);
      const message = `${name}${field?.description ? ` (${field.description})` : ''}`;
      try {
        answers[name] = field?.sensitive
          ? await password({ message, mask: '*', validate: (v) => v.length > 0 || 'required' }, context)
          : await input({ message, required: true }, context);
      } catch {
        // Ctrl+C or a closed terminal: leave the plugin waiting for config.
        return undefined;
      }
    }
    return answers;
  };
}
