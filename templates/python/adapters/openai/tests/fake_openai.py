"""A tiny OpenAI-style upstream on 127.0.0.1 for the tests: no network needed.

What differs between dialects (auth header, URL, error bodies, extra faults, a first
stream chunk) is said by the subclass in fake_upstream.py, through the hooks below; the
faults and the answers are the same. Set `fault` to make the next chat request fail: an
HTTP status (401, 429, 503, ...), a fault the subclass names (`faults`), "hang",
"garbage" (200 with broken JSON) or "reset" (connection dropped); for a stream, "break"
(drops the connection after the first event) or "stall" (goes quiet after it).
`received` holds every POST as {path, query, headers, body}.
"""
from __future__ import annotations

import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union
from urllib.parse import ParseResult, parse_qs, urlparse

# A status and a JSON body the fake answers with.
Answer = Tuple[int, Any]


class FakeOpenAI:
    # ---- the dialect: fake_upstream.py's subclass says these ----
    models: List[str] = []
    unauthorised: Any = None
    unknown_model: Any = None
    faults: Dict[str, Answer] = {}
    # Sent before the stream's content chunks, when set.
    first_chunk: Optional[Dict[str, Any]] = None

    def authorised(self, headers: Mapping[str, str]) -> bool:
        raise NotImplementedError

    def answer(self, method: str, url: ParseResult) -> Optional[Answer]:
        """Answers a request before any fault or chat; None: not answered here."""
        return None

    def error_body(self, status: int) -> Any:
        raise NotImplementedError

    def model_of(self, url: ParseResult, body: Dict[str, Any]) -> Optional[str]:
        raise NotImplementedError

    def __init__(self) -> None:
        self.fault: Optional[Union[int, str]] = None
        self.retry_after: Optional[str] = None
        self.received: List[Dict[str, Any]] = []
        self.closing = threading.Event()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _send_json(self, status: int, payload: Any, headers: Optional[Dict[str, str]] = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _authorized(self) -> bool:
                if upstream.authorised(self.headers):
                    return True
                self._send_json(401, upstream.unauthorised)
                return False

            def do_GET(self) -> None:
                if not self._authorized():
                    return
                self._send_json(*(upstream.answer("GET", urlparse(self.path)) or (404, {"error": {"message": "no such path"}})))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                url = urlparse(self.path)
                upstream.received.append({"path": url.path, "query": parse_qs(url.query), "headers": dict(self.headers), "body": body})
                if not self._authorized():
                    return
                answer = upstream.answer("POST", url)
                if answer:
                    self._send_json(*answer)
                    return
                fault, upstream.fault = upstream.fault, None
                if fault == "hang":
                    upstream.closing.wait(10)
                    return
                if fault == "reset":
                    # SO_LINGER 0: close() sends a TCP reset instead of a clean FIN.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    self.rfile.close()  # drop the last reference, so close() really closes
                    self.connection.close()
                    return
                if fault == "garbage":
                    data = b'{"choices": ['
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if isinstance(fault, int):
                    headers = {"Retry-After": upstream.retry_after} if upstream.retry_after else {}
                    self._send_json(fault, upstream.error_body(fault), headers)
                    return
                if fault in upstream.faults:
                    self._send_json(*upstream.faults[fault])
                    return
                model = upstream.model_of(url, body)
                if model not in upstream.models:
                    self._send_json(404, upstream.unknown_model)
                    return
                last = body["messages"][-1].get("content")
                reply = f"echo: {last}"
                if body.get("stream"):
                    self._stream(model, reply, fault)
                    return
                self._send_json(
                    200,
                    {
                        "id": "chatcmpl-1",
                        "object": "chat.completion",
                        "created": 1700000000.0,  # a float on purpose: the plugin must send an integer
                        "model": model,
                        # content as a list of parts on purpose: Loom needs a string
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": [{"type": "text", "text": reply}]}, "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
                    },
                )

            def _stream(self, model: str, reply: str, fault: Optional[Union[int, str]]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                if upstream.first_chunk:
                    self._chunk(f"data: {json.dumps(upstream.first_chunk)}\n\n".encode())
                words = reply.split(" ")
                for index, word in enumerate(words):
                    text = word if index == 0 else " " + word
                    chunk = {"id": "chatcmpl-2", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
                             "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]}
                    self._chunk(f"data: {json.dumps(chunk)}\n\n".encode())
                    if fault == "stall":
                        upstream.closing.wait(10)
                        return
                    if fault == "break":
                        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        self.close_connection = True
                        self.rfile.close()
                        self.connection.close()
                        return
                    time.sleep(0.05)
                self._chunk(b"data: [DONE]\n\n")
                self._chunk(b"")

            def _chunk(self, data: bytes) -> None:
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()
