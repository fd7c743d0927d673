import { PassThrough } from 'node:stream';
import type { CliIo, InStream, OutStream } from '../../src/output/io.js';
import { main } from '../../src/cli.js';

export class MemoryStream implements OutStream {
  text = '';
  isTTY: boolean;
  columns = 100;
  constructor(isTTY = false) {
    this.isTTY = isTTY;
  }
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export interface MemoryIo extends CliIo {
  stdout: MemoryStream;
  stderr: MemoryStream;
  controller: AbortController;
}

/** An in-memory CliIo: no TTY, no colour, env isolated from the real one unless given. */
export function memoryIo(options: { cwd?: string; env?: NodeJS.ProcessEnv; tty?: boolean; stdin?: InStream } = {}): MemoryIo {
  const controller = new AbortController();
  const stdin = (options.stdin ?? new PassThrough()) as InStream;
  if (options.tty) stdin.isTTY = true;
  return {
    stdout: new MemoryStream(options.tty ?? false),
    stderr: new MemoryStream(options.tty ?? false),
    stdin,
    env: options.env ?? { PATH: process.env.PATH },
    cwd: options.cwd ?? process.cwd(),
    signal: controller.signal,
    controller,
  };
}

/** Runs the CLI in-process, the way the binary would, and returns what it printed. */
export async function runCli(argv: string[], options: Parameters<typeof memoryIo>[0] = {}) {
  const io = memoryIo(options);
  const code = await main(argv, io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text, io };
}
