/**
 * Incremental parser for `text/event-stream`: collects the `data:` payload of every
 * event (multi-line data joined with '\n', as the SSE spec says). Comments and other
 * fields are ignored; the conformance checks only care about data.
 */
export class SseDataParser {
  private pending = '';
  private data: string[] = [];
  readonly events: string[] = [];

  write(chunk: string): void {
    const text = this.pending + chunk;
    const lines = text.split(/\r\n|\r|\n/);
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  /** Flushes a last event that was not followed by a blank line. */
  end(): string[] {
    if (this.pending !== '') this.line(this.pending);
    this.pending = '';
    this.dispatch();
    return this.events;
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
  }

  private dispatch(): void {
    if (this.data.length > 0) this.events.push(this.data.join('\n'));
    this.data = [];
  }
}
