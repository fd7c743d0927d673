/**
 * A bounded buffer of a plugin's recent output lines. A plugin that logs megabytes must
 * cost a fixed amount of memory, so the oldest lines are dropped once the byte budget
 * is spent; reports only ever need the tail.
 */

export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
  time: number;
}

/** Longest single line kept; longer lines are cut so one huge line cannot evict all others. */
const MAX_LINE_CHARS = 8192;

export class LogBuffer {
  private readonly entries: LogLine[] = [];
  private head = 0;
  private bytes = 0;
  private droppedLines = 0;

  constructor(private readonly limitBytes: number = 256 * 1024) {}

  push(line: LogLine): LogLine {
    const text = line.text.length > MAX_LINE_CHARS ? `${line.text.slice(0, MAX_LINE_CHARS)}… [line cut]` : line.text;
    const entry = text === line.text ? line : { ...line, text };
    this.entries.push(entry);
    this.bytes += entry.text.length + 1;
    while (this.bytes > this.limitBytes && this.head < this.entries.length - 1) {
      const dropped = this.entries[this.head];
      this.head += 1;
      this.droppedLines += 1;
      if (dropped) this.bytes -= dropped.text.length + 1;
    }
    // Compact now and then instead of shifting on every drop (shift is O(n)).
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
    return entry;
  }

  /** Lines still held, oldest first. */
  lines(): LogLine[] {
    return this.entries.slice(this.head);
  }

  /** The last `n` lines as text, optionally of one stream only. */
  tail(n: number, stream?: LogLine['stream']): string {
    const out: string[] = [];
    for (let i = this.entries.length - 1; i >= this.head && out.length < n; i -= 1) {
      const entry = this.entries[i];
      if (entry && (stream === undefined || entry.stream === stream)) out.push(entry.text);
    }
    return out.reverse().join('\n');
  }

  /** Everything still held, one line per entry. */
  text(): string {
    return this.lines()
      .map((line) => line.text)
      .join('\n');
  }

  /** Lines dropped because of the byte budget. */
  get dropped(): number {
    return this.droppedLines;
  }
}

/**
 * Splits a byte stream into lines. A partial line waits for its end, bounded so a plugin
 * writing without newlines cannot grow it forever.
 */
export class LineSplitter {
  private pending = '';

  constructor(private readonly emit: (text: string) => void) {}

  write(chunk: string): void {
    const text = this.pending + chunk;
    const parts = text.split(/\r?\n/);
    this.pending = parts.pop() ?? '';
    for (const part of parts) this.emit(part);
    if (this.pending.length > MAX_LINE_CHARS) {
      this.emit(this.pending);
      this.pending = '';
    }
  }

  end(): void {
    if (this.pending !== '') this.emit(this.pending);
    this.pending = '';
  }
}
