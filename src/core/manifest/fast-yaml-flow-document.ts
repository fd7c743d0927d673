/**
 * A YAML document that is one flow mapping (`{type: http, env: {...}}`, or JSON written
 * as YAML over many lines), for the fast reader. The full parser took 1.3-1.8 s for a
 * megabyte of it. The mapping is read by fast-yaml-flow.ts; here only what is around it:
 * blank and comment lines before and after, nothing else. Lines inside may start at
 * column 0 (the document has no block indentation), but not with a document marker or a
 * directive (`---`, `...`, `%`), and no tab anywhere: those are left to the full parser.
 */
import { MAX_NESTING } from './parse-issue.js';
import type { SourceNode } from './source-tree.js';
import { flowCollectionEnd, readFlowCollection } from './fast-yaml-flow.js';
import { unsupported, type ReadContext } from './fast-yaml-scalar.js';

/** Blank and comment lines (`# ...` after any spaces). */
const BLANK_OR_COMMENT_LINES = /^(?:[ ]*(?:#[^\n]*)?\n)*/;
/** What may follow the closing brace: blanks, a comment after one, then blank or comment lines. */
const TRAILER = /^[ ]*(?:[ ]#[^\n]*)?(?:\n[ ]*(?:#[^\n]*)?)*\n?$/;
/** A line inside that yaml reads as a document marker or a directive. */
const MARKER_LINE = /\n(?:---|\.\.\.|%)/;

/** Offset of the `{` a flow-mapping document opens with, or -1 when the text is not one. */
export function flowDocumentStart(text: string): number {
  const at = BLANK_OR_COMMENT_LINES.exec(text)?.[0].length ?? 0;
  return text.charCodeAt(at) === 123 ? at : -1;
}

/** The mapping of a document that starts with `{` at `at` (flowDocumentStart); unsupported for anything else. */
export function readFlowDocument(text: string, at: number, ctx: ReadContext): { value: Record<string, unknown>; node: SourceNode } {
  const close = flowCollectionEnd(text, at);
  if (close === -1 || !TRAILER.test(text.slice(close))) return unsupported();
  const inner = text.slice(at, close);
  if (inner.includes('\t') || MARKER_LINE.test(inner)) unsupported();
  const flow = readFlowCollection(text, at, 0, 0, MAX_NESTING, ctx);
  if (flow.next !== close) unsupported();
  return { value: flow.value as Record<string, unknown>, node: flow.node };
}
