/**
 * Redirects the way the shipped host's client (Go's http.Client) follows them, for every
 * client that stands in for the host: the conformance suite's and the dev host's.
 */

/** Go's http.Client gives up after 10 redirects ("stopped after 10 redirects"). */
export const MAX_REDIRECTS = 10;

/** One request of a chain of redirects. */
export interface Hop {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * The request Go's http.Client (the host's) sends next for a redirect, or undefined when
 * it takes the answer as it is (not a redirect, or no Location). 301, 302 and 303 turn
 * any method but GET and HEAD into GET without the body (and its Content-* headers); 307
 * and 308 repeat the method with the body.
 */
export function redirectHop(hop: Hop, status: number, location: string | string[] | undefined): Hop | undefined {
  const where = Array.isArray(location) ? location[0] : location;
  if (where === undefined || where === '') return undefined;
  const url = new URL(where, hop.url).href;
  if (status === 307 || status === 308) return { ...hop, url };
  if (status !== 301 && status !== 302 && status !== 303) return undefined;
  const upper = hop.method.toUpperCase();
  if (upper === 'GET' || upper === 'HEAD') return { ...hop, url, body: undefined };
  const headers = Object.fromEntries(Object.entries(hop.headers).filter(([name]) => !/^content-(type|encoding|language|location)$/i.test(name)));
  return { url, method: 'GET', headers };
}
