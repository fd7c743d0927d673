/**
 * The group a check belongs to in reports and docs: the first segment of its id
 * (`errors.rate-limit` -> `errors`). The manifest rules the test shares with `validate`
 * carry validate's ids (`auto-start/disabled`) and belong to the `host` group.
 */
export function groupOf(id: string): string {
  if (id.includes('/')) return 'host';
  const dot = id.indexOf('.');
  return dot === -1 ? id : id.slice(0, dot);
}
