"""Runs a command in a pseudo-terminal and answers prompts: the real-terminal proof of
`loom-plugin init`'s interactive path (raw mode, keypresses, Ctrl+C as \\x03).

usage: python3 pty-driver.py '<argv json>' '<[[wait_for, send], ...] json>'
prints {"code": exit code, "output": everything the terminal showed} as JSON.
"""
import json
import os
import pty
import select
import sys
import time

argv = json.loads(sys.argv[1])
steps = json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)

buf = b""
seen = 0  # prompts are matched only in output after the previous match


def pump(timeout):
    global buf
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return True
    try:
        data = os.read(fd, 65536)
    except OSError:
        return False
    if not data:
        return False
    buf += data
    return True


def finish(code):
    print(json.dumps({"code": code, "output": buf.decode("utf-8", "replace")}))
    sys.exit(0)


for wait_for, send in steps:
    deadline = time.time() + 30
    while wait_for.encode() not in buf[seen:]:
        if time.time() > deadline or not pump(0.1):
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            finish(f"timeout waiting for {wait_for!r}")
    seen = buf.index(wait_for.encode(), seen) + len(wait_for)
    time.sleep(0.05)
    os.write(fd, send.encode())

deadline = time.time() + 60
while time.time() < deadline and pump(0.1):
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        while pump(0.05):
            pass
        finish(os.waitstatus_to_exitcode(status))
_, status = os.waitpid(pid, 0)
finish(os.waitstatus_to_exitcode(status))
