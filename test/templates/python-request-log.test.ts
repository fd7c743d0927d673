/**
 * The Python template's request log under concurrent requests, as `dev` and `test` run
 * it (PYTHONUNBUFFERED=1): every line whole. print() writes the text and its newline in
 * two system calls when unbuffered, so lines from waitress's threads ran into each other
 * ("GET /metadata 200 6msGET /health 200 4ms", then an empty line). The template's
 * plugin.py runs with its imports (waitress, the provider package) stubbed: system
 * Python only, under a second.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { renderText, TEMPLATES_DIR } from './render.js';

const HARNESS = String.raw`
import sys, threading, types
waitress = types.ModuleType("waitress"); waitress.create_server = None
provider = types.ModuleType("provider"); provider.__path__ = []
app = types.ModuleType("provider.app"); app.create_app = None
settings = types.ModuleType("provider.settings"); settings.METADATA = {"name": "x"}
sys.modules.update({"waitress": waitress, "provider": provider, "provider.app": app, "provider.settings": settings})
sys.path.insert(0, sys.argv[1])
from plugin import RequestLog

def wsgi(environ, start_response):
    start_response("200 OK", [])
    return [b"ok"]

log = RequestLog(wsgi)
def requests():
    for _ in range(1500):
        list(log({"REQUEST_METHOD": "GET", "PATH_INFO": "/health"}, lambda status, headers, exc_info=None: None))
threads = [threading.Thread(target=requests) for _ in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
`;

it('writes each request line whole when eight threads log at once, unbuffered', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-py-log-'));
  try {
    const source = readFileSync(join(TEMPLATES_DIR, 'python', 'plugin.py'), 'utf8');
    writeFileSync(join(dir, 'plugin.py'), renderText(source, { port: '8090' }, 'plugin.py'));
    const run = spawnSync('python3', ['-c', HARNESS, dir], { env: { ...process.env, PYTHONUNBUFFERED: '1' }, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n').slice(0, -1);
    expect(lines.length).toBe(8 * 1500);
    expect(lines.filter((line) => !/^GET \/health 200 \d+ms$/.test(line))).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 20_000);
