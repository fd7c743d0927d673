/**
 * A dialect's native error answers as data: one row per fault, with `{model}`,
 * `{retryAfter}` and `{detail}` placeholders in any string of the row. Each dialect keeps
 * its table in `<name>/faults.ts`; its module only decides the body's shape.
 */
import type { AnswerFault, FaultContext } from './types.js';

export interface FaultRow {
  status: number;
  /** The message, with placeholders. */
  message: string;
  /** Anything else the dialect puts in its error body (type, code, status, details...). */
  [field: string]: unknown;
}

export type FaultTable = Readonly<Record<AnswerFault, FaultRow>>;

function fillText(text: string, ctx: FaultContext): string {
  return text.replace(/\{(model|retryAfter|detail)\}/g, (_, name: string) =>
    name === 'model' ? ctx.model : name === 'retryAfter' ? String(ctx.retryAfterSeconds) : (ctx.detail ?? ''),
  );
}

/** The row of `fault` with every placeholder filled in. */
export function faultRow(table: FaultTable, fault: AnswerFault, ctx: FaultContext): FaultRow {
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') return fillText(value, ctx);
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item)]));
    return value;
  };
  return fill(table[fault]) as FaultRow;
}
