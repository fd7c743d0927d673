/**
 * What a plugin's successful /v1 answer gets wrong for the shipped Loom host, said in
 * the request log and the terminal: a float `created`, `1.7e9` for an integer, content
 * as a list of parts... The body is forwarded unchanged (an OpenAI SDK may well accept
 * it); the warning is there because the host decodes with strict Go types and refuses
 * it. The knowledge is the conformance suite's: the same wire schemas, the same
 * strict-integer scan and the same sentences as `chat.schema` and
 * `streaming.chunks-schema`. Checked after the answer went out, off the request's path.
 */
import type { ValidateFunction } from 'ajv';
import { SseDataParser } from '../runtime/sse-parser.js';
import { schemaSentences } from '../schema-messages.js';
import { getValidator } from '../schema-registry.js';
import { checkJsonTextWith, splitNonIntegers } from '../schema-strict-json.js';

/** Sentences per warning: the first few say enough; the suite lists the rest. */
const SENTENCES = 3;

export interface AnswerShapes {
  /** Warnings for one answer that went out with `status`; none when nothing is wrong or the body was cut. */
  warnings(status: number | undefined, stream: boolean, body: string, truncated: boolean): string[];
}

/** One body against one schema: the suite's sentences, or none. */
function problems(validate: ValidateFunction, text: string): string[] {
  const check = checkJsonTextWith(validate, text);
  if (check.parseError !== undefined) return [`it is not JSON (${check.parseError}).`];
  if (check.valid) return [];
  const { shape, nonIntegers } = splitNonIntegers(check.errors);
  return [...schemaSentences(shape, check.json, SENTENCES), ...schemaSentences(nonIntegers, check.json, SENTENCES)].slice(0, SENTENCES);
}

/** A stream's chunks, as `streaming.chunks-schema` reads them: [DONE] and error events are not chunks. */
function streamWarnings(chunk: ValidateFunction, body: string): string[] {
  const parser = new SseDataParser();
  parser.write(body);
  for (const [index, raw] of parser.end().entries()) {
    if (raw.trim() === '[DONE]' || /^\s*\{\s*"error"\s*:/.test(raw)) continue;
    const found = problems(chunk, raw);
    // The first bad chunk stands for the rest: a plugin writes every chunk the same way.
    if (found.length > 0) return [`Stream chunk ${index + 1} does not match schemas/chat-completion-chunk.schema.json (checked by loom-plugin test as streaming.chunks-schema): ${found.join(' ')} The shipped Loom host decodes with strict JSON types: a wrong type fails the call.`];
  }
  return [];
}

export async function loadAnswerShapes(): Promise<AnswerShapes> {
  const [response, chunk] = await Promise.all([getValidator('chat-completion-response'), getValidator('chat-completion-chunk')]);
  return {
    warnings(status, stream, body, truncated) {
      // Errors have their own translation; a cut body would read as broken JSON.
      if (status !== 200 || truncated || body === '') return [];
      // Asked for a stream but answered with one JSON object: checked as that object.
      if (stream && !body.trimStart().startsWith('{')) return streamWarnings(chunk, body);
      const found = problems(response, body);
      if (found.length === 0) return [];
      return [`The answer does not match schemas/chat-completion-response.schema.json (checked by loom-plugin test as chat.schema): ${found.join(' ')} The shipped Loom host decodes with strict JSON types: a wrong type fails the call.`];
    },
  };
}
