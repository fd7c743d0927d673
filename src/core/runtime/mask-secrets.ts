/**
 * Masking of sensitive values in anything that leaves the process (terminal, reports,
 * logs, the dev UI). The one masking module of `test` and `dev`.
 *
 * Two rules keep masking from ever corrupting output:
 * - Values are masked, never serialised text: `maskValue` walks a JSON-able value and
 *   masks the strings in it; numbers, booleans and null are data and are left alone.
 * - A secret is masked as a substring only when it is long and not literal-looking. A
 *   short secret or one that reads like a JSON literal or number (`12`, `true`, `null`)
 *   is masked only where it stands as a whole token, so `12` never cuts `1234`, `0.12`
 *   or a timestamp, and `true` is not masked inside `untrue`.
 * Each secret is also masked in the forms it takes inside JSON text (escaped quotes and
 * backslashes, `\uXXXX` as Python writes non-ASCII, `\/`) and URLs (percent-encoded).
 */
export const MASK = '***';

/** Secrets shorter than this are masked as whole tokens only. */
const MIN_SUBSTRING_LENGTH = 6;
/** Deeper than this, a value is masked as its JSON text (keeps the walk off the stack limit). */
const MAX_WALK_DEPTH = 200;
const LITERAL = /^(?:true|false|null|[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)$/i;
/** What may not touch a weak secret on either side for it to count as a whole token. */
const BEFORE = String.raw`(?<![\p{L}\p{N}_]|[\p{L}\p{N}_]\.)`;
const AFTER = String.raw`(?![\p{L}\p{N}_]|\.[\p{L}\p{N}_])`;

function jsonForms(secret: string): string[] {
  const escaped = JSON.stringify(secret).slice(1, -1);
  const unicode = (pattern: RegExp, text: string, upper = false): string =>
    text.replace(pattern, (ch) => {
      const hex = ch.charCodeAt(0).toString(16).padStart(4, '0');
      return `\\u${upper ? hex.toUpperCase() : hex}`;
    });
  return [
    secret,
    escaped,
    // Python's json.dumps writes non-ASCII as \uXXXX; Go's encoder also escapes < > &.
    unicode(/[\u007f-\uffff]/g, escaped),
    unicode(/[\u007f-\uffff]/g, escaped, true),
    unicode(/[<>&\u2028\u2029]/g, escaped),
    escaped.replace(/\//g, '\\/'),
    encodeURIComponent(secret),
  ];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function isWeakSecret(secret: string): boolean {
  return secret.length < MIN_SUBSTRING_LENGTH || LITERAL.test(secret.trim());
}

export class SecretMasker {
  private readonly values = new Set<string>();
  private plan: { strong: string[]; weak: RegExp | undefined } | undefined;

  constructor(secrets: Iterable<string | undefined> = []) {
    this.add(...secrets);
  }

  /** Blank values are not secrets (masking whitespace would rewrite every line). */
  add(...secrets: Array<string | undefined>): void {
    for (const secret of secrets) {
      if (typeof secret !== 'string' || secret.trim() === '' || this.values.has(secret)) continue;
      this.values.add(secret);
      this.plan = undefined;
    }
  }

  list(): string[] {
    return [...this.values];
  }

  get size(): number {
    return this.values.size;
  }

  private build(): { strong: string[]; weak: RegExp | undefined } {
    const strong = new Set<string>();
    const weak = new Set<string>();
    for (const secret of this.values) {
      for (const form of jsonForms(secret)) if (form) (isWeakSecret(secret) ? weak : strong).add(form);
    }
    const weakForms = [...weak].sort((a, b) => b.length - a.length).map(escapeRegExp);
    return {
      // Longest first, so a secret containing another is masked whole.
      strong: [...strong].sort((a, b) => b.length - a.length),
      weak: weakForms.length === 0 ? undefined : new RegExp(`${BEFORE}(?:${weakForms.join('|')})${AFTER}`, 'gu'),
    };
  }

  /** Masks a piece of text (a log line, a message, a body shown as text). */
  mask(text: string): string {
    if (this.values.size === 0 || text.length === 0) return text;
    this.plan ??= this.build();
    let out = text;
    for (const form of this.plan.strong) if (out.includes(form)) out = out.split(form).join(MASK);
    if (this.plan.weak) out = out.replace(this.plan.weak, MASK);
    return out;
  }

  /** Masks every string inside a JSON-able value; keys and non-string values stay as they are. */
  maskValue<T>(value: T): T {
    if (this.values.size === 0) return value;
    return this.walk(value, 0, false) as T;
  }

  /**
   * Masks a body shown as text that may be JSON (a request or response body). When it
   * parses, it is masked as a value and written again, so it stays valid JSON: a number or
   * literal that equals a secret (`"pin": 12`) becomes the string "***", and a secret
   * whose raw form looks like JSON structure cannot cut the document. Otherwise (SSE,
   * truncated or plain text) it is masked as text. Untouched when no secret occurs.
   */
  maskJsonText(text: string): string {
    const asText = this.mask(text);
    if (asText === text) return text;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return asText;
    }
    return JSON.stringify(this.walk(parsed, 0, true));
  }

  /** A hostile plugin's absurdly nested answer: still masked, as text; never returned as is. */
  private maskDeep(value: object): string {
    try {
      return this.mask(JSON.stringify(value));
    } catch {
      return MASK;
    }
  }

  private isSecretLiteral(value: unknown): boolean {
    return (typeof value === 'number' || typeof value === 'boolean' || value === null) && this.values.has(String(value));
  }

  private walk(value: unknown, depth: number, literals: boolean): unknown {
    if (typeof value === 'string') return this.mask(value);
    if (literals && this.isSecretLiteral(value)) return MASK;
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_WALK_DEPTH) return this.maskDeep(value);
    const plain = typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON: () => unknown }).toJSON() : value;
    if (plain !== value) return this.walk(plain, depth + 1, literals);
    if (Array.isArray(value)) return value.map((item) => this.walk(item, depth + 1, literals));
    // fromEntries defines own properties, so a key named __proto__ stays a plain key.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.walk(item, depth + 1, literals)]));
  }
}

export function maskSecrets(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0 || text === '') return text;
  return new SecretMasker(secrets).mask(text);
}

export function maskJsonText(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0 || text === '') return text;
  return new SecretMasker(secrets).maskJsonText(text);
}

export function maskValue<T>(value: T, secrets: readonly string[]): T {
  return new SecretMasker(secrets).maskValue(value);
}
