/**
 * commander's own usage errors (an unknown option or command, an option without its
 * value, too many arguments) in the shape of the tool's: one capitalised sentence, and a
 * hint that says where to look, with commander's did-you-mean in it. commander prints
 * nothing itself; the error is rendered like every other usage error, on stderr and in a
 * machine format's error document.
 */
import type { Command, CommanderError } from './cli-commander.js';
import { usageError, type LoomPluginError } from './core/errors.js';

/**
 * commander's messages with the value of every `--name=value` argument hidden: an unknown
 * `--api-key=sk-...` came back whole in "unknown option '...'", on stderr and in the JSON
 * error document. The option's name stays, for the did-you-mean that follows it.
 */
export function maskOptionValues(text: string, argv: readonly string[]): string {
  let masked = text;
  for (const arg of argv) {
    const named = /^(--[^=]+)=(.+)$/s.exec(arg);
    if (named) masked = masked.split(arg).join(`${named[1]}=…`);
  }
  return masked;
}

/** Where to look after commander refused the command line: the help of the command used. */
function usageHint(program: Command, argv: readonly string[], code: string): string {
  const command = program.commands.find((sub) => argv.includes(sub.name()));
  if (!command || code === 'commander.unknownCommand') return 'Run loom-plugin --help to see the commands and their options.';
  const what = code === 'commander.unknownOption' ? 'its options' : 'how to call it';
  return `Run loom-plugin ${command.name()} --help to see ${what}.`;
}

/** commander's sentence as ours; `named` is what it quoted ('--nope', 'tset', '--timeout <duration>'). */
function sentence(code: string, text: string): string {
  const named = /'(.*)'/s.exec(text)?.[1];
  if (named !== undefined) {
    if (code === 'commander.unknownOption') return `Unknown option "${named}".`;
    if (code === 'commander.unknownCommand') return `Unknown command "${named}".`;
    if (code === 'commander.optionMissingArgument') {
      const flags = named.replace(/^-\w, /, '');
      return `Option ${flags.split(' ')[0]} needs a value (${flags}).`;
    }
    if (code === 'commander.missingArgument') return `The argument ${named} is missing.`;
  }
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/** The usage error for a CommanderError (not for --help or --version, which are no errors). */
export function commanderUsageError(error: CommanderError, program: Command, argv: readonly string[]): LoomPluginError {
  const raw = error.message.replace(/^error: /, '');
  // "(Did you mean --format?)" or "(Did you mean one of a, b?)" on a line of its own.
  const suggested = /\n\(Did you mean (one of )?(.+)\?\)\s*$/s.exec(raw);
  const text = suggested ? raw.slice(0, suggested.index) : raw.trimEnd();
  const names = suggested?.[2]?.split(', ').map((name) => `"${name}"`).join(', ');
  const didYouMean = names ? `Did you mean ${suggested?.[1] ?? ''}${names}? ` : '';
  return usageError(maskOptionValues(sentence(error.code, text), argv), maskOptionValues(`${didYouMean}${usageHint(program, argv, error.code)}`, argv));
}
