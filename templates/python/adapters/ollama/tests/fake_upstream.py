"""A tiny Ollama server on 127.0.0.1 for the tests: no network needed.

It answers `GET /api/tags` and `POST /api/chat` with an echo of the last user text, as one
JSON object (`"stream": false`) or as NDJSON lines (Ollama's default). Set `tool_calls`
to answer with those calls, `done_reason` to end otherwise. Set `fault` to make the next
chat request fail: an HTTP status (400, 404, 503, ...) answered with `{"error": "..."}`,
"hang", "garbage" or "reset"; for a stream, "break", "stall" or "runner" (an `{"error"}`
line after the first one). A key is not needed (a local Ollama has none); `received`
records the Authorization header when one is sent.
"""
from __future__ import annotations

import json
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Union

API_KEY = "ollama-test-key"
MODELS = ["llama-fake:latest", "llava-fake:7b"]
MODEL = MODELS[0]


def valid_config(url: str, **overrides: Any) -> Dict[str, Any]:
    """An /initialize body that points the plugin at a fake upstream on `url`."""
    return {"endpoint": url, **overrides}


# A local Ollama takes no key, so there is no wrong one.
wrong_key_config = None


class FakeUpstream:
    def __init__(self) -> None:
        self.fault: Optional[Union[int, str]] = None
        self.retry_after: Optional[str] = None
        self.tool_calls: Optional[List[Dict[str, Any]]] = None
        self.done_reason = "stop"
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

            def do_GET(self) -> None:
                if self.path != "/api/tags":
                    self._send_json(404, {"error": "404 page not found"})
                    return
                details = {"format": "gguf", "family": "llama", "parameter_size": "3.2B", "quantization_level": "Q4_K_M"}
                self._send_json(200, {"models": [{"name": m, "model": m, "size": 1, "details": details} for m in MODELS]})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                upstream.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                fault, upstream.fault = upstream.fault, None
                if fault == "hang":
                    upstream.closing.wait(10)
                    return
                if fault == "reset":
                    self._reset()
                    return
                if fault == "garbage":
                    data = b'{"message": '
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if isinstance(fault, int):
                    headers = {"Retry-After": upstream.retry_after} if upstream.retry_after else {}
                    self._send_json(fault, {"error": f"fake error {fault}"}, headers)
                    return
                if body.get("model") not in MODELS:
                    self._send_json(404, {"error": f"model '{body.get('model')}' not found"})
                    return
                text = "echo: " + next((m.get("content", "") for m in reversed(body.get("messages", [])) if m.get("role") == "user"), "")
                last = {"model": body["model"], "created_at": "2025-01-01T00:00:00Z", "done": True, "done_reason": upstream.done_reason,
                        "total_duration": 1000, "prompt_eval_count": 3, "eval_count": 2}
                if body.get("stream") is False:
                    message: Dict[str, Any] = {"role": "assistant", "content": "" if upstream.tool_calls else text}
                    if upstream.tool_calls:
                        message["tool_calls"] = upstream.tool_calls
                    self._send_json(200, {**last, "message": message})
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                half = len(text) // 2
                first = {"model": body["model"], "message": {"role": "assistant", "content": "" if upstream.tool_calls else text[:half]}, "done": False}
                self._line(first)
                if fault == "stall":
                    upstream.closing.wait(10)
                    return
                if fault == "break":
                    self._reset()
                    return
                if fault == "runner":
                    self._line({"error": "an error was encountered while running the model: unexpected EOF"})
                    self._chunk(b"")
                    return
                if upstream.tool_calls:
                    self._line({"model": body["model"], "message": {"role": "assistant", "content": "", "tool_calls": upstream.tool_calls}, "done": False})
                else:
                    self._line({"model": body["model"], "message": {"role": "assistant", "content": text[half:]}, "done": False})
                self._line({**last, "message": {"role": "assistant", "content": ""}})
                self._chunk(b"")

            def _reset(self) -> None:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.rfile.close()
                self.connection.close()

            def _line(self, data: Dict[str, Any]) -> None:
                self._chunk(json.dumps(data).encode() + b"\n")

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
