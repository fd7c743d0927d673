/**
 * ajv errors -> findings. The JSON Schema stays the single description of the shape
 * (editors use it too); schema-drafts.ts decides which finding each violation becomes,
 * and this file reports each one once, listing at most a capped number per rule.
 */
import type { ErrorObject } from 'ajv';
import type { Finding } from './rule-context.js';
import { draftFor, type Draft } from './schema-drafts.js';
import { Lookup } from './schema-lookup.js';

/** Where schema findings go: listed in full, or, past the per-rule cap, only counted. */
export interface FindingSink {
  /** False once `rule` has as many findings as a file lists: the rest need no words. */
  listing(rule: string): boolean;
  atPath(finding: Finding): void;
  /** Counts a finding that is not listed; only its rule and place are used. */
  omit(place: Pick<Finding, 'rule' | 'path' | 'at'>): void;
}

function complete(draft: Draft): Finding {
  const words = draft.describe();
  return {
    path: draft.path,
    ...(draft.at ? { at: draft.at } : {}),
    rule: draft.rule,
    message: words.message,
    ...(words.hint !== undefined ? { hint: words.hint } : {}),
    ...(words.fix ? { fix: words.fix } : {}),
    keyword: draft.keyword,
  };
}

/**
 * Reports each ajv error once, as its most specific finding. A file lists at most 100
 * findings of a rule; past that a finding is only counted, so its words (a did-you-mean
 * over every known key, say) are never built: 100k unknown keys cost 100 sentences.
 * Twins (same rule, place and words) count once, as before; words are compared only
 * when two findings share rule and place, which ajv's errors rarely do.
 */
export function reportSchemaFindings(errors: readonly ErrorObject[], data: unknown, schema: Record<string, unknown>, sink: FindingSink): void {
  const lookup = new Lookup(errors, data, schema);
  // Per place, the index of its first error; drafts (and a list) only where a place
  // repeats, so 100k findings keep 100k numbers alive, not 100k drafts and their words.
  const seen = new Map<string, number | Draft[]>();
  for (const [index, error] of errors.entries()) {
    const draft = draftFor(error, lookup);
    if (!draft) continue;
    const place = `${draft.rule}|${draft.path.join('/')}`;
    const twins = seen.get(place);
    if (twins !== undefined) {
      const list = typeof twins === 'number' ? [draftFor(errors[twins] as ErrorObject, lookup) as Draft] : twins;
      if (list.some((twin) => twin.describe().message === draft.describe().message)) continue;
      list.push(draft);
      if (list !== twins) seen.set(place, list);
    } else {
      seen.set(place, index);
    }
    if (sink.listing(draft.rule)) sink.atPath(complete(draft));
    else sink.omit(draft);
  }
}

/** Every schema finding, listed (no cap): for callers that want them all as data. */
export function schemaFindings(errors: readonly ErrorObject[], data: unknown, schema: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [];
  reportSchemaFindings(errors, data, schema, { listing: () => true, atPath: (finding) => findings.push(finding), omit: () => undefined });
  return findings;
}
