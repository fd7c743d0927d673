/**
 * Rules for metadata.config_schema: unique names, defaults of the declared type and
 * inside their own validation, consistent validation bounds, patterns that compile,
 * enum values of the right type, and no secrets in defaults. Messages never contain a
 * default's value: it may be a secret even when the field is not marked sensitive.
 */
import { CONFIG_FIELD_TYPES, configEnvName, type ConfigFieldType } from '../../protocol.js';
import { isRecord, type Finding, type Rule, type RuleContext } from '../rule-context.js';
import { compilePattern, FILE_TIME_LIMIT_MS, PatternMatcher } from './pattern-match.js';

const TYPE_WORDS: Record<ConfigFieldType, string> = {
  string: 'a string',
  int: 'an int (a whole number)',
  float: 'a float (a number)',
  bool: 'a bool (true or false)',
};

function isOfType(value: unknown, type: ConfigFieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'bool':
      return typeof value === 'boolean';
  }
}

function typeFixHint(value: unknown, type: ConfigFieldType): string {
  if (typeof value === 'string' && type !== 'string') return type === 'bool' ? 'Write true or false without quotes.' : 'Write the number without quotes.';
  if (type === 'string') return 'Quote the value.';
  if (type === 'int' && typeof value === 'number') return 'Use a whole number, or declare the field as float.';
  return `Use ${TYPE_WORDS[type]}, or change the field's type.`;
}

const NUMERIC_KEYS = ['min', 'max'] as const;
const STRING_KEYS = ['min_length', 'max_length', 'pattern'] as const;

function checkField(ctx: RuleContext, field: Record<string, unknown>, base: (string | number)[], label: string, matcher: PatternMatcher): void {
  const type = typeof field.type === 'string' && (CONFIG_FIELD_TYPES as readonly string[]).includes(field.type) ? (field.type as ConfigFieldType) : undefined;
  const hasDefault = 'default' in field && field.default !== null && field.default !== undefined;
  const validation = isRecord(field.validation) ? field.validation : undefined;

  if (field.sensitive === true && hasDefault && field.default !== '') {
    const envName = typeof field.name === 'string' ? configEnvName(field.name) : 'LOOM_CONFIG_<NAME>';
    ctx.report({
      path: [...base, 'default'],
      rule: 'config/sensitive-default',
      message: `Config field ${label} is sensitive but has a default value; a secret does not belong in the manifest.`,
      hint: `Remove the default and supply the value at run time (${envName} or POST /initialize).`,
    });
    return; // range checks on a secret would only describe it further
  }
  if (!type) return;

  if (hasDefault && !isOfType(field.default, type)) {
    ctx.report({
      path: [...base, 'default'],
      rule: 'config/default-type',
      message: `The default of config field ${label} must be ${TYPE_WORDS[type]}.`,
      hint: typeFixHint(field.default, type),
    });
  }
  if (!validation) return;
  // Index loops, and each finding's path built where it is reported: this runs for every
  // config field of every manifest, and the array spread and iterator the optimizing
  // compiler inlined for the clean case cost more to compile than the checks to run.
  const path = (...rest: (string | number)[]): (string | number)[] => [...base, 'validation', ...rest];
  for (let k = 0; k < NUMERIC_KEYS.length; k++) {
    const key = NUMERIC_KEYS[k] as (typeof NUMERIC_KEYS)[number];
    if (key in validation && type !== 'int' && type !== 'float') {
      ctx.report({ path: path(key), at: 'key', rule: 'config/validation-mismatch', message: `validation.${key} applies to int and float fields, not to ${type} field ${label}; it is ignored.`, hint: type === 'string' ? 'Use min_length / max_length for strings.' : `Remove validation.${key}.` });
    }
  }
  for (let k = 0; k < STRING_KEYS.length; k++) {
    const key = STRING_KEYS[k] as (typeof STRING_KEYS)[number];
    if (key in validation && type !== 'string') {
      ctx.report({ path: path(key), at: 'key', rule: 'config/validation-mismatch', message: `validation.${key} applies to string fields, not to ${type} field ${label}; it is ignored.`, hint: type === 'bool' ? `Remove validation.${key}.` : 'Use min / max for numbers.' });
    }
  }

  const { min, max, min_length: minLength, max_length: maxLength, pattern } = validation;
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    ctx.report({ path: path('min'), rule: 'config/min-max', message: `validation.min (${min}) is greater than validation.max (${max}) for config field ${label}.`, hint: 'Swap them, or fix the bound that is wrong.' });
  }
  if (typeof minLength === 'number' && typeof maxLength === 'number' && minLength > maxLength) {
    ctx.report({ path: path('min_length'), rule: 'config/min-max', message: `validation.min_length (${minLength}) is greater than validation.max_length (${maxLength}) for config field ${label}.`, hint: 'Swap them, or fix the bound that is wrong.' });
  }
  let regexp: RegExp | undefined;
  if (typeof pattern === 'string') {
    const compiled = compilePattern(pattern);
    if (compiled.ok) regexp = compiled.regexp;
    else {
      ctx.report({ path: path('pattern'), rule: 'config/invalid-pattern', message: `validation.pattern of config field ${label} is not a valid JavaScript regular expression: ${compiled.reason}.`, hint: 'loom-plugin compiles patterns with JavaScript RegExp; plugins in other languages should use a pattern valid in both.' });
    }
  }
  const enumValues = Array.isArray(validation.enum) ? validation.enum : undefined;
  enumValues?.forEach((item, index) => {
    if (!isOfType(item, type)) {
      ctx.report({ path: path('enum', index), rule: 'config/enum-type', message: `validation.enum[${index}] of config field ${label} is not ${TYPE_WORDS[type]}.`, hint: typeFixHint(item, type) });
    }
  });

  if (!hasDefault || !isOfType(field.default, type)) return;
  const value = field.default;
  const outside = (message: string, hint: string): void => {
    ctx.report({ path: [...base, 'default'], rule: 'config/default-out-of-range', message: `The default of config field ${label} ${message}.`, hint });
  };
  if (typeof value === 'number') {
    if (typeof min === 'number' && value < min) outside(`is below validation.min (${min})`, 'Raise the default or lower the bound.');
    if (typeof max === 'number' && value > max) outside(`is above validation.max (${max})`, 'Lower the default or raise the bound.');
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof minLength === 'number' && length < minLength) outside(`is shorter than validation.min_length (${minLength})`, 'Lengthen the default or lower min_length.');
    if (typeof maxLength === 'number' && length > maxLength) outside(`is longer than validation.max_length (${maxLength})`, 'Shorten the default or raise max_length.');
    if (regexp) {
      // Answered once every pattern of the file has run (PatternMatcher.run, all in one go).
      matcher.defer(regexp, value, (matched) => {
        if (matched === false) outside('does not match validation.pattern', 'Change the default or the pattern.');
        if (matched === 'timeout') {
          ctx.report({ path: [...base, 'default'], rule: 'config/pattern-timeout', message: `Matching the default of config field ${label} against validation.pattern took too long; it was not checked.`, hint: 'Simplify the pattern: nested quantifiers such as (a+)+ backtrack catastrophically.' });
        }
        if (matched === 'no-time-left') {
          ctx.report({ path: [...base, 'default'], rule: 'config/pattern-timeout', message: `The default of config field ${label} was not checked against validation.pattern: the pattern checks of this manifest already took ${FILE_TIME_LIMIT_MS} ms.`, hint: `The ${FILE_TIME_LIMIT_MS} ms loom-plugin gives one manifest's patterns are spent, by slow patterns or by very many: simplify patterns with nested quantifiers such as (a+)+, which backtrack catastrophically, or use fewer.` });
        }
      });
    }
  }
  if (enumValues && enumValues.every((item) => isOfType(item, type)) && !enumValues.some((item) => item === value)) {
    outside('is not one of validation.enum', 'Use one of the enum values as the default.');
  }
}

export const configFieldRules: Rule = (ctx) => {
  const metadata = ctx.data.metadata;
  if (!isRecord(metadata) || !Array.isArray(metadata.config_schema)) return;
  const firstByName = new Map<string, number>();
  const matcher = new PatternMatcher(metadata.config_schema);
  // From the first pattern on, findings wait for the pattern answers (matcher.run, all in
  // one go), then are reported in field order: past the per-rule cap, the listed ones are
  // the first ones. Before it nothing waits, so a large file without patterns holds none.
  const held: Finding[][] = [];
  const holding = (): boolean => held.length > 0 || matcher.waiting;
  metadata.config_schema.forEach((field: unknown, index: number) => {
    if (!isRecord(field)) return;
    const findings: Finding[] = [];
    const hold: RuleContext = { ...ctx, report: (finding) => (holding() ? void findings.push(finding) : ctx.report(finding)) };
    const base = ['metadata', 'config_schema', index];
    const label = typeof field.name === 'string' ? `"${field.name}"` : `#${index + 1}`;
    if (typeof field.name === 'string') {
      const first = firstByName.get(field.name);
      if (first !== undefined) {
        hold.report({ path: [...base, 'name'], rule: 'config/duplicate-name', message: `Config field name "${field.name}" is already used by config_schema[${first}].`, hint: 'Give every config field a unique name.' });
      } else {
        firstByName.set(field.name, index);
      }
    }
    checkField(hold, field, base, label, matcher);
    if (holding()) held.push(findings);
  });
  matcher.run();
  for (const findings of held) for (const finding of findings) ctx.report(finding);
};
