/**
 * ajv errors -> findings. The JSON Schema stays the single description of the shape
 * (editors use it too); schema-drafts.ts decides which finding each violation becomes,
 * and this file reports each one once, listing at most a capped number per rule.
 */
import type { ErrorObject } from 'ajv';
import type { Finding } from './rule-context.js';
import { draftFor, ruleFor, type Draft } from './schema-drafts.js';
import { Lookup } from './schema-lookup.js';

/** Where schema findings go: listed in full, or, past the per-rule cap, only counted. */
export interface FindingSink {
  /** False once `rule` has as many findings as a file lists: the rest need no words. */
  listing(rule: string): boolean;
  atPath(finding: Finding): void;
  /**
   * Counts a finding that is not listed. `place` says where it is, during this call only
   * (the caller reuses it for the next finding); a sink calls it only for what it shows:
   * the first omitted finding of a rule, where the summary points.
   */
  omit(rule: string, place: () => Pick<Finding, 'path' | 'at'>): void;
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

/** A JSON pointer segment, escaped as in ajv's instancePath. */
function escapeSegment(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}

/**
 * The place of an error's finding as a JSON pointer: its instancePath, plus the key for
 * an unknown key (whose finding points at the key). Two findings of one rule at one
 * place may be twins; they are the same pointer exactly when their paths are the same.
 */
function placeOf(error: ErrorObject): string {
  if (error.keyword !== 'additionalProperties') return error.instancePath;
  return `${error.instancePath}/${escapeSegment(String((error.params as Record<string, unknown>).additionalProperty))}`;
}

/**
 * Twins need one keyword checked twice at one place, so at least one of them comes from
 * a branch (allOf, anyOf, oneOf, if/then/else, not, dependencies). The lengths of the places such
 * errors reach: only places of those lengths are indexed, and a length costs no string
 * hashing. Indexing every place was nine tenths of this loop for 500k findings.
 * True of manifest.schema.json, not of every schema: ajv names the errors inside a $ref by
 * the target's path (a branch into a $ref is lost), properties and patternProperties
 * check one key twice outside any branch, and a few findings have the same words for two
 * keywords (health_check_interval's range). test/validate/schema-twins.test.ts fails
 * when the schema takes up any of these.
 */
function branchPlaceLengths(errors: readonly ErrorObject[]): Set<number> {
  const lengths = new Set<number>();
  for (const error of errors) if (BRANCH.test(error.schemaPath)) lengths.add(placeOf(error).length);
  return lengths;
}
const BRANCH = /\/(?:allOf|anyOf|oneOf|then|else|not|dependencies|dependentSchemas)\//;

/**
 * Reports each ajv error once, as its most specific finding. A file lists at most 100
 * findings of a rule; past that a finding is only counted: its rule and place are found
 * from the error as it is (no path, no draft, no words), and only the first is located,
 * so 100k bare env values cost 100 sentences and 100k map lookups.
 * Twins (same rule, place and words) count once, as before; words are compared only
 * when two findings share rule and place, which ajv's errors rarely do.
 */
export function reportSchemaFindings(errors: readonly ErrorObject[], data: unknown, schema: Record<string, unknown>, sink: FindingSink): void {
  const lookup = new Lookup(errors, data, schema);
  const branchLengths = branchPlaceLengths(errors);
  // Per rule, per place a twin may share, the index of its first error; drafts (and a
  // list) only where a place repeats.
  const seen = new Map<string, Map<string, number | Draft[]>>();
  // One place for every omitted finding, pointed at each in turn: a closure per finding
  // was most of the garbage this loop made for 100k findings.
  const omitted = { error: errors[0] as ErrorObject, rule: '', draft: undefined as Draft | undefined };
  const place = (): Draft => omitted.draft ?? (draftFor(omitted.error, lookup, omitted.rule) as Draft);
  for (let index = 0; index < errors.length; index++) {
    const error = errors[index] as ErrorObject;
    const rule = ruleFor(error, lookup);
    if (rule === undefined) continue;
    const at = placeOf(error);
    let places: Map<string, number | Draft[]> | undefined;
    if (branchLengths.has(at.length)) {
      places = seen.get(rule);
      if (!places) seen.set(rule, (places = new Map()));
    }
    const twins = places?.get(at);
    let draft: Draft | undefined;
    if (twins !== undefined) {
      draft = draftFor(error, lookup, rule) as Draft;
      const list = typeof twins === 'number' ? [draftFor(errors[twins] as ErrorObject, lookup, rule) as Draft] : twins;
      const message = draft.describe().message;
      if (list.some((twin) => twin.describe().message === message)) continue;
      list.push(draft);
      if (list !== twins) places?.set(at, list);
    } else {
      places?.set(at, index);
    }
    if (sink.listing(rule)) {
      sink.atPath(complete(draft ?? (draftFor(error, lookup, rule) as Draft)));
    } else {
      omitted.error = error;
      omitted.rule = rule;
      omitted.draft = draft;
      sink.omit(rule, place);
    }
  }
}

/** Every schema finding, listed (no cap): for callers that want them all as data. */
export function schemaFindings(errors: readonly ErrorObject[], data: unknown, schema: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [];
  reportSchemaFindings(errors, data, schema, { listing: () => true, atPath: (finding) => findings.push(finding), omit: () => undefined });
  return findings;
}
