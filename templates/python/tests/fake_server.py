"""What every fake upstream in these tests shares: a threaded server on 127.0.0.1 (no
network), the request read and recorded, JSON answers, chunked streams, the faults that
behave alike for every API, and a close that leaves nothing behind.

The adapter's tests/fake_upstream.py says the rest (auth, routes, bodies, its stream): its
FakeUpstream subclasses FakeServer and serves a FakeHandler subclass.
"""
from __future__ import annotations

import json
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple, Union
from urllib.parse import ParseResult, parse_qs, urlparse

# What take_fault returns when it has answered the request itself.
ANSWERED = object()
# In the query of the "redirect" fault's Location: a plugin must never repeat it.
REDIRECT_SECRET = "redirect-s3cret"
# The "bad-redirect" fault's Location: no URL (an unclosed IPv6 bracket), which URL parsers refuse.
BAD_LOCATION = "http://[::1"


class FakeServer:
    """The state the tests steer: `fault`, `retry_after`, and what was `received`."""

    def __init__(self) -> None:
        self.fault: Optional[Union[int, str]] = None
        self.retry_after: Optional[str] = None
        # What the "echo-key" fault's 401 says (a test puts the configured key in it), and
        # whether as the bare `error` text of an API that sends only that (Ollama).
        self.echoed = ""
        self.error_is_text = False
        # Every POST as {path, query (parsed), headers, body}.
        self.received: List[Dict[str, Any]] = []
        self.closing = threading.Event()

    def serve(self, handler: type) -> None:
        """Starts serving `handler` (a FakeHandler subclass) on a free port."""
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (handler,), {"upstream": self}))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()


class FakeHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream: FakeServer  # set by FakeServer.serve

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def receive(self) -> Tuple[ParseResult, Any]:
        """Reads a POST's JSON body and records the request."""
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.upstream.received.append({"path": url.path, "query": parse_qs(url.query), "headers": dict(self.headers), "body": body})
        return url, body

    def parse_request(self) -> bool:
        """Answers the "echo-key" fault before the adapter's handler, whatever key was sent:
        a 401 saying `echoed`, in every API's error shape at once (or as the bare `error`
        text). False, as for a request it refused, when it did."""
        if not super().parse_request():
            return False
        if self.command != "POST" or self.upstream.fault != "echo-key":
            return True
        self.upstream.fault = None
        self.receive()
        said = self.upstream.echoed
        if self.upstream.error_is_text:
            self.send_json(401, {"error": said})
        else:
            error = {"message": said, "type": "authentication_error", "code": "invalid_api_key", "status": "UNAUTHENTICATED"}
            self.send_json(401, {"error": error, "message": said})
        return False

    def send_json(self, status: int, payload: Any, headers: Optional[Dict[str, str]] = None) -> None:
        self.send_bytes(status, json.dumps(payload).encode(), headers)

    def send_bytes(self, status: int, data: bytes, headers: Optional[Dict[str, str]] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def take_fault(self, garbage: bytes) -> Any:
        """Takes the pending fault. Answers "hang" (never), "reset" (a TCP reset),
        "garbage" (200 with `garbage`), "redirect" (307 to the same address, with
        REDIRECT_SECRET in the query) and "bad-redirect" (302 to BAD_LOCATION) itself and
        returns ANSWERED ("echo-key" never gets here: see parse_request); returns any other fault (an HTTP status, the adapter's own names)
        for the adapter to answer."""
        fault, self.upstream.fault = self.upstream.fault, None
        if fault == "hang":
            self.upstream.closing.wait(10)
        elif fault == "reset":
            self.reset()
        elif fault == "garbage":
            self.send_bytes(200, garbage)
        elif fault == "redirect":
            separator = "&" if "?" in self.path else "?"
            self.redirect(307, f"{self.upstream.url}{self.path}{separator}sig={REDIRECT_SECRET}")
        elif fault == "bad-redirect":
            self.redirect(302, BAD_LOCATION)
        else:
            return fault
        return ANSWERED

    def redirect(self, status: int, location: str) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def start_stream(self, content_type: str = "text/event-stream") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def interrupt(self, fault: Any) -> bool:
        """In a stream after the first event: "stall" goes quiet, "break" drops the
        connection, "cut" ends the answer cleanly before the provider's end event. True
        when it did any of these."""
        if fault == "stall":
            self.upstream.closing.wait(10)
        elif fault == "break":
            self.reset()
        elif fault == "cut":
            self.chunk(b"")
        else:
            return False
        return True

    def chunk(self, data: bytes) -> None:
        """One chunk of a stream; b"" ends it."""
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def reset(self) -> None:
        # SO_LINGER 0: close() sends a TCP reset instead of a clean FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.rfile.close()  # drop the last reference, so close() really closes
        self.connection.close()
