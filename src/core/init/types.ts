/**
 * Shapes shared by the `init` core: what the user chose, and what a scaffold produced.
 * The command layer's `TemplateLanguage` (src/commands/options.ts) is this union.
 */
import type { Diagnostic } from '../manifest/types.js';

export type InitLanguage = 'python' | 'node' | 'go';
export const INIT_LANGUAGES: readonly InitLanguage[] = ['python', 'node', 'go'];

/** APIs a scaffold's upstream adapter can speak (`init --provider-api`); see provider-api.ts. */
export const PROVIDER_APIS = ['openai', 'azure-openai', 'anthropic', 'gemini', 'ollama', 'cohere'] as const;
export type ProviderApi = (typeof PROVIDER_APIS)[number];

export interface InitCapabilities {
  streaming: boolean;
  functionCalling: boolean;
  vision: boolean;
}

/** Everything a scaffold needs; the command fills it from flags, prompts and defaults. */
export interface InitAnswers {
  name: string;
  language: InitLanguage;
  providerType: string;
  /** The provider API the plugin's upstream adapter speaks (templates/apis/<api>.json). */
  providerApi: ProviderApi;
  description: string;
  author: string;
  license: string;
  capabilities: InitCapabilities;
  port: number;
}

export interface ScaffoldBackup {
  /** Path of the user's file that was in the way (relative to the plugin folder). */
  file: string;
  /** Where it was moved to (relative), so nothing of the user's is ever deleted. */
  backup: string;
}

export interface ScaffoldResult {
  /** Absolute path of the plugin folder. */
  dir: string;
  /** Files written, relative to `dir`, `/`-separated, sorted. */
  files: string[];
  /** With --force: user files moved aside because a template file had the same path. */
  backups: ScaffoldBackup[];
  /** With --force: files that already had exactly the template's content. */
  unchanged: string[];
  /** Warnings our validator raised on the generated manifest (errors abort instead). */
  manifestWarnings: Diagnostic[];
}

export type ScaffoldEvent =
  | { type: 'rendered'; files: number }
  | { type: 'file'; path: string }
  | { type: 'placed'; dir: string };
