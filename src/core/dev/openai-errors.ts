/**
 * Loom plugin errors in OpenAI's words. A plugin answers `{code, message, transient,
 * details?}`; an OpenAI client (the official SDKs, LangChain, curl scripts) expects
 * `{"error": {"message", "type", "param", "code"}}` and reads the status, `Retry-After`
 * and `x-should-retry`. The mapping is a table; the rest only applies it, to held answers
 * and to error events inside a stream.
 */

interface OpenAiShape {
  status: number;
  type: string;
  /** OpenAI's name for the condition where it differs from Loom's; otherwise Loom's code. */
  code?: string;
}

/** Loom code -> what OpenAI answers for the same condition. */
const BY_LOOM_CODE: Record<string, OpenAiShape | undefined> = {
  invalid_request: { status: 400, type: 'invalid_request_error' },
  authentication_failed: { status: 401, type: 'authentication_error' },
  // OpenAI reports an exhausted quota as a 429 with this type and code, not as 402.
  quota_exceeded: { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' },
  model_not_found: { status: 404, type: 'invalid_request_error' },
  content_filter: { status: 400, type: 'invalid_request_error' },
  rate_limit_exceeded: { status: 429, type: 'requests' },
  internal_error: { status: 500, type: 'server_error' },
  provider_unavailable: { status: 503, type: 'service_unavailable_error' },
  timeout: { status: 504, type: 'timeout_error' },
};

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface TranslatedError {
  status: number;
  body: OpenAiErrorBody;
  headers: Record<string, string>;
}

interface LoomError {
  code: string;
  message: string;
  transient?: unknown;
  details?: unknown;
}

function isLoomError(value: unknown): value is LoomError {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record.code === 'string' && typeof record.message === 'string' && !('choices' in record) && !('error' in record);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Seconds to wait from `details.retry_after`, when the plugin gave a usable one. */
function retryAfterFromDetails(details: unknown): string | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const value = (details as Record<string, unknown>).retry_after;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? String(value) : undefined;
}

/** The OpenAI error object for one Loom error (used for held answers and stream events). */
export function loomToOpenAi(error: LoomError, mask: (text: string) => string): { shape: OpenAiShape; body: OpenAiErrorBody } {
  const shape = BY_LOOM_CODE[error.code] ?? { status: 500, type: 'api_error' };
  const message = mask(error.message);
  const param = typeof (error.details as { param?: unknown } | undefined)?.param === 'string' ? (error.details as { param: string }).param : null;
  return { shape, body: { error: { message, type: shape.type, param, code: shape.code ?? error.code } } };
}

/**
 * A non-200 answer from a plugin as an OpenAI error. `status` and `retryAfter` are the
 * plugin's; the Loom code decides the status the client sees. A body that is not a Loom
 * error keeps the plugin's status (502 when it was not an error status) and says so.
 */
export function translateErrorAnswer(status: number, bodyText: string, retryAfter: string | undefined, mask: (text: string) => string): TranslatedError {
  const parsed = parse(bodyText);
  if (isLoomError(parsed)) {
    const { shape, body } = loomToOpenAi(parsed, mask);
    const headers: Record<string, string> = {};
    // The SDKs retry on this header before looking at the status: Loom's own verdict wins.
    if (typeof parsed.transient === 'boolean') headers['x-should-retry'] = String(parsed.transient);
    const wait = retryAfter ?? retryAfterFromDetails(parsed.details);
    if (wait !== undefined) headers['retry-after'] = wait;
    return { status: shape.status, body, headers };
  }
  const errorStatus = status >= 400 && status <= 599 ? status : 502;
  const excerpt = bodyText.length > 200 ? `${bodyText.slice(0, 200)}…` : bodyText;
  const message = `The plugin answered ${status} without a Loom error body ({code, message, transient})${excerpt ? `: ${excerpt}` : '.'}`;
  const headers: Record<string, string> = retryAfter !== undefined ? { 'retry-after': retryAfter } : {};
  return { status: errorStatus, body: { error: { message: mask(message), type: 'api_error', param: null, code: 'plugin_error' } }, headers };
}

const NEWLINE = 0x0a;
const CODE_MARK = Buffer.from('"code"');
/** A line longer than this is passed on as it is, not held for inspection. */
const MAX_HELD_LINE = 1024 * 1024;

/**
 * Rewrites Loom error events (`data: {"code", "message", "transient"}`) inside an SSE
 * stream into OpenAI's `data: {"error": {...}}`, which the SDKs raise as errors. Complete
 * lines go out at once; only a partial last line is held until its end arrives (no SSE
 * client can act on half a line anyway). Chunks without `"code"` are passed untouched.
 */
export class SseErrorRewriter {
  private tail: Buffer | undefined;

  constructor(private readonly mask: (text: string) => string) {}

  push(chunk: Buffer): Buffer {
    const data = this.tail ? Buffer.concat([this.tail, chunk]) : chunk;
    const cut = data.lastIndexOf(NEWLINE);
    if (cut === -1) {
      if (data.length > MAX_HELD_LINE) {
        this.tail = undefined;
        return data;
      }
      this.tail = data;
      return Buffer.alloc(0);
    }
    this.tail = cut + 1 < data.length ? data.subarray(cut + 1) : undefined;
    const ready = cut + 1 < data.length ? data.subarray(0, cut + 1) : data;
    return ready.includes(CODE_MARK) ? this.rewrite(ready) : ready;
  }

  /** What is left when the stream ends (a last line without its newline). */
  end(): Buffer {
    const rest = this.tail;
    this.tail = undefined;
    if (!rest) return Buffer.alloc(0);
    return rest.includes(CODE_MARK) ? this.rewrite(rest) : rest;
  }

  private rewrite(block: Buffer): Buffer {
    const lines = block.toString('utf8').split('\n');
    let changed = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (!line.startsWith('data:') || !line.includes('"code"')) continue;
      const carriage = line.endsWith('\r') ? '\r' : '';
      const parsed = parse(line.slice(5, line.length - carriage.length).trim());
      if (!isLoomError(parsed)) continue;
      lines[i] = `data: ${JSON.stringify(loomToOpenAi(parsed, this.mask).body)}${carriage}`;
      changed = true;
    }
    return changed ? Buffer.from(lines.join('\n'), 'utf8') : block;
  }
}
