/**
 * Runs a command on a pseudo-terminal of a chosen size, the way `script` in CI or
 * `docker run -t` would, with Python's pty module (no native Node package needed).
 * A hang is a result (hung: true, the process killed), never a blocked test run.
 */
import { spawnSync } from 'node:child_process';

export interface PtyRun {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  rows: number;
  columns: number;
  /** Seconds before the process is killed and reported as hung. */
  timeout: number;
  /** Once this file exists: resize the terminal to `resizeTo`, if given, then send SIGINT `sigintDelay` s later. */
  whenFile?: string;
  resizeTo?: { rows: number; columns: number };
  sigintDelay?: number;
}

export interface PtyResult {
  hung: boolean;
  /** Exit code, or minus the signal number. */
  code: number | null;
  /** Seconds from SIGINT to exit, when one was sent. */
  afterSigint: number | null;
  output: string;
}

const SCRIPT = String.raw`
import fcntl, json, os, pty, select, signal, struct, sys, termios, time
spec = json.loads(sys.stdin.read())
def size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
pid, fd = pty.fork()
if pid == 0:
    os.chdir(spec['cwd'])
    os.execvpe(spec['argv'][0], spec['argv'], spec['env'])
size(fd, spec['rows'], spec['columns'])
out = b''; start = time.time(); seen = None; sent = None; status = None
while time.time() < start + spec['timeout']:
    if select.select([fd], [], [], 0.05)[0]:
        try: chunk = os.read(fd, 65536)
        except OSError: chunk = b''
        out += chunk[: max(0, 100000 - len(out))]
    if spec.get('whenFile') and seen is None and os.path.exists(spec['whenFile']):
        seen = time.time()
        if spec.get('resizeTo'): size(fd, spec['resizeTo']['rows'], spec['resizeTo']['columns'])
    if seen is not None and sent is None and time.time() - seen >= spec.get('sigintDelay', 0):
        os.kill(pid, signal.SIGINT); sent = time.time()
    done, st = os.waitpid(pid, os.WNOHANG)
    if done: status = st; break
if status is None:
    os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0)
print(json.dumps({'hung': status is None, 'code': None if status is None else os.waitstatus_to_exitcode(status),
  'afterSigint': None if sent is None else round(time.time() - sent, 2), 'output': out.decode('utf8', 'replace')}))
`;

export function runOnPty(run: PtyRun): PtyResult {
  const result = spawnSync('python3', ['-c', SCRIPT], {
    input: JSON.stringify(run),
    encoding: 'utf8',
    // Python kills a hung child itself at run.timeout; this is only a backstop.
    timeout: (run.timeout + 10) * 1000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`the pty runner failed: ${result.stderr || result.error?.message}`);
  return JSON.parse(result.stdout) as PtyResult;
}
