"""Entry point: serves the plugin with waitress on 127.0.0.1:$PORT.

waitress is a production WSGI server in pure Python: it starts in a fraction of a second,
serves requests concurrently on a thread pool, and passes streamed (SSE) answers on as
they are produced. Flask's built-in server is for debugging only.
"""
from __future__ import annotations

import os
import signal
import sys
import time

from waitress import create_server

from provider.app import create_app
from provider.settings import METADATA

DEFAULT_PORT = {{port|json}}


class RequestLog:
    """One line per request: method, path, status, milliseconds. Never bodies, never
    headers, never the query string (any of them may carry secrets)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        started = time.monotonic()
        status = ["-"]

        def recording_start_response(status_line, headers, exc_info=None):
            status[0] = status_line.split(" ", 1)[0]
            return start_response(status_line, headers, exc_info)

        body = self.app(environ, recording_start_response)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()
            elapsed = int((time.monotonic() - started) * 1000)
            log_line(f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')} {status[0]} {elapsed}ms")


def log_line(text: str) -> None:
    # One write per line. print() writes the text and the newline separately, and with
    # PYTHONUNBUFFERED=1 (loom-plugin sets it, so output shows at once) each is its own
    # system call: lines from concurrent requests then run into each other.
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", DEFAULT_PORT))
    threads = int(os.environ.get("THREADS", "32"))
    server = create_server(RequestLog(create_app()), host=host, port=port, threads=threads, ident=None)

    # SIGTERM (docker stop, the Loom host, loom-plugin) ends the serving loop; waitress then
    # lets running requests finish (up to 5 s) before the process exits with code 0.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    log_line(f"{METADATA['name']} listening on http://{host}:{port}")
    server.run()
    log_line("stopped")


if __name__ == "__main__":
    main()
