"""A tiny Cohere v2 Chat API on 127.0.0.1 for the tests: no network needed.

It answers `GET /v1/models` (in pages of one) and `POST /v2/chat` with an echo of the
last user text, as a response or as typed SSE events. Set `tool_calls` to answer with
those calls, `finish_reason` to end otherwise. Set `fault` to make the next chat request
fail: an HTTP status (400, 402, 503, ...) answered with `{"message": "..."}`, "hang",
"garbage" or "reset"; for a stream, "break", "stall" or "error" (a `message-end` with
`finish_reason: ERROR` after the first event).
"""
from __future__ import annotations

import json
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Union
from urllib.parse import parse_qs, urlparse

API_KEY = "co-test-key"
MODELS = ["command-fake", "command-fake-vision"]
MODEL = MODELS[0]


def valid_config(url: str, **overrides: Any) -> Dict[str, Any]:
    """An /initialize body that points the plugin at a fake upstream on `url`."""
    return {"api_key": API_KEY, "endpoint": url, **overrides}


def wrong_key_config(url: str) -> Dict[str, Any]:
    return valid_config(url, api_key="wrong")


class FakeUpstream:
    def __init__(self) -> None:
        self.fault: Optional[Union[int, str]] = None
        self.retry_after: Optional[str] = None
        self.tool_calls: Optional[List[Dict[str, Any]]] = None
        self.finish_reason = "COMPLETE"
        self.received: List[Dict[str, Any]] = []
        self.closing = threading.Event()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
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
                if self.headers.get("Authorization") == f"Bearer {API_KEY}":
                    return True
                self._send_json(401, {"message": "invalid api token"})
                return False

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if not self._authorized():
                    return
                if url.path != "/v1/models":
                    self._send_json(404, {"message": "not found"})
                    return
                query = parse_qs(url.query)
                start = int((query.get("page_token") or ["0"])[0])
                features = [["tools"], ["tools", "vision"]]
                page: Dict[str, Any] = {"models": [{"name": MODELS[start], "endpoints": query.get("endpoint", []), "context_length": 128000, "features": features[start]}]}
                if start + 1 < len(MODELS):
                    page["next_page_token"] = str(start + 1)
                self._send_json(200, page)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                upstream.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if not self._authorized():
                    return
                fault, upstream.fault = upstream.fault, None
                if fault == "hang":
                    upstream.closing.wait(10)
                    return
                if fault == "reset":
                    self._reset()
                    return
                if fault == "garbage":
                    data = b'{"message": ['
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if isinstance(fault, int):
                    headers = {"Retry-After": upstream.retry_after} if upstream.retry_after else {}
                    self._send_json(fault, {"message": f"fake error {fault}"}, headers)
                    return
                if body.get("model") not in MODELS:
                    self._send_json(404, {"message": f"model '{body.get('model')}' not found, make sure the correct model ID was used"})
                    return
                user = next((m for m in reversed(body.get("messages", [])) if m.get("role") == "user"), {})
                content = user.get("content")
                text = "echo: " + (content if isinstance(content, str) else "".join(p.get("text", "") for p in content or [] if p.get("type") == "text"))
                usage = {"billed_units": {"input_tokens": 1, "output_tokens": 2}, "tokens": {"input_tokens": 3, "output_tokens": 2}}
                if not body.get("stream"):
                    message: Dict[str, Any] = {"role": "assistant", "content": [] if upstream.tool_calls else [{"type": "text", "text": text}]}
                    if upstream.tool_calls:
                        message["tool_plan"] = "I will look it up."
                        message["tool_calls"] = upstream.tool_calls
                    self._send_json(200, {"id": "c-fake", "finish_reason": upstream.finish_reason, "message": message, "usage": usage})
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self._sse({"id": "c-fake", "type": "message-start", "delta": {"message": {"role": "assistant", "content": [], "tool_calls": []}}})
                if fault == "stall":
                    upstream.closing.wait(10)
                    return
                if fault == "break":
                    self._reset()
                    return
                if fault == "error":
                    self._sse({"type": "message-end", "delta": {"finish_reason": "ERROR", "error": "internal server error while generating"}})
                    self._chunk(b"")
                    return
                if upstream.tool_calls:
                    for index, call in enumerate(upstream.tool_calls):
                        start = {**call, "function": {**call["function"], "arguments": ""}}
                        self._sse({"type": "tool-call-start", "index": index, "delta": {"message": {"tool_calls": start}}})
                        arguments = call["function"]["arguments"]
                        for piece in (arguments[:5], arguments[5:]):
                            self._sse({"type": "tool-call-delta", "index": index, "delta": {"message": {"tool_calls": {"function": {"arguments": piece}}}}})
                        self._sse({"type": "tool-call-end", "index": index})
                else:
                    self._sse({"type": "content-start", "index": 0, "delta": {"message": {"content": {"type": "text", "text": ""}}}})
                    for piece in (text[: len(text) // 2], text[len(text) // 2 :]):
                        self._sse({"type": "content-delta", "index": 0, "delta": {"message": {"content": {"text": piece}}}})
                    self._sse({"type": "content-end", "index": 0})
                self._sse({"type": "message-end", "delta": {"finish_reason": upstream.finish_reason, "usage": usage}})
                self._chunk(b"data: [DONE]\n\n")
                self._chunk(b"")

            def _reset(self) -> None:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.rfile.close()
                self.connection.close()

            def _sse(self, data: Dict[str, Any]) -> None:
                self._chunk(f"event: {data['type']}\ndata: {json.dumps(data)}\n\n".encode())

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
