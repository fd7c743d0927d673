"""A tiny Gemini API (v1beta) on 127.0.0.1 for the tests: no network needed.

It answers `GET /v1beta/models` (in pages of one, with an embedding model that cannot
chat) and `POST /v1beta/models/{model}:generateContent` (or `:streamGenerateContent?alt=sse`)
with an echo of the last user text. Set `parts` (and `finish_reason`) to answer with those
parts instead, `blocked` to block the prompt. Set `fault` to make the next chat request
fail: an HTTP status (400, 429, 503, ...) answered with a google.rpc.Status body (`details`
sets its details), "hang", "garbage" or "reset"; for a stream, "break", "stall" or
"unavailable" (a `data: {"error": ...}` after the first chunk).
"""
from __future__ import annotations

import json
import re
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Union
from urllib.parse import parse_qs, urlparse

API_KEY = "AIza-test-key"
MODELS = ["gemini-fake-flash", "gemini-fake-pro"]
MODEL = MODELS[0]
RPC = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
CHAT = re.compile(r"^/v1beta/models/([^/:]+):(generateContent|streamGenerateContent)$")


def valid_config(url: str, **overrides: Any) -> Dict[str, Any]:
    """An /initialize body that points the plugin at a fake upstream on `url`."""
    return {"api_key": API_KEY, "endpoint": url, **overrides}


def wrong_key_config(url: str) -> Dict[str, Any]:
    return valid_config(url, api_key="wrong")


def status_body(status: int, message: str, details: Optional[List[Any]] = None, rpc: Optional[str] = None) -> Dict[str, Any]:
    return {"error": {"code": status, "message": message, "status": rpc or RPC.get(status, "UNKNOWN"), **({"details": details} if details else {})}}


BAD_KEY = status_body(400, "API key not valid. Please pass a valid API key.", [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}])


class FakeUpstream:
    def __init__(self) -> None:
        self.fault: Optional[Union[int, str]] = None
        self.error_message = "fake error"
        self.rpc: Optional[str] = None
        self.details: Optional[List[Any]] = None
        self.parts: Optional[List[Dict[str, Any]]] = None
        self.finish_reason = "STOP"
        self.blocked = False
        self.usage: Dict[str, int] = {"promptTokenCount": 3, "candidatesTokenCount": 2, "totalTokenCount": 5}
        self.received: List[Dict[str, Any]] = []
        self.closing = threading.Event()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _send_json(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorized(self) -> bool:
                if self.headers.get("x-goog-api-key") == API_KEY:
                    return True
                self._send_json(400, BAD_KEY)
                return False

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if not self._authorized():
                    return
                if url.path != "/v1beta/models":
                    self._send_json(404, status_body(404, "no such path"))
                    return
                token = parse_qs(url.query).get("pageToken", [""])[0]
                models = [{"name": f"models/{m}", "displayName": m.title(), "supportedGenerationMethods": ["generateContent", "streamGenerateContent"], "inputTokenLimit": 1048576, "outputTokenLimit": 8192} for m in MODELS]
                models.append({"name": "models/fake-embedding", "supportedGenerationMethods": ["embedContent"]})
                start = int(token or 0)
                page: Dict[str, Any] = {"models": models[start : start + 1]}
                if start + 1 < len(models):
                    page["nextPageToken"] = str(start + 1)
                self._send_json(200, page)

            def do_POST(self) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                upstream.received.append({"path": url.path, "query": url.query, "headers": dict(self.headers), "body": body})
                if not self._authorized():
                    return
                fault, upstream.fault = upstream.fault, None
                if fault == "hang":
                    upstream.closing.wait(10)
                    return
                if fault in ("reset", "garbage"):
                    self._broken(fault)
                    return
                if isinstance(fault, int):
                    self._send_json(fault, status_body(fault, upstream.error_message, upstream.details, upstream.rpc))
                    return
                match = CHAT.match(url.path)
                if not match or match.group(1) not in MODELS:
                    self._send_json(404, status_body(404, f"models/{match.group(1) if match else '?'} is not found for API version v1beta"))
                    return
                if upstream.blocked:
                    self._send_json(200, {"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 3, "totalTokenCount": 3}})
                    return
                parts = upstream.parts or [{"text": "echo: " + last_user_text(body)}]
                if match.group(2) == "streamGenerateContent":
                    self._stream(parts, fault)
                    return
                self._send_json(200, self._response(parts, upstream.finish_reason, upstream.usage))

            def _response(self, parts: List[Dict[str, Any]], finish: Optional[str], usage: Dict[str, int]) -> Dict[str, Any]:
                candidate: Dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
                if finish:
                    candidate["finishReason"] = finish
                return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": MODEL, "responseId": "resp-fake"}

            def _broken(self, fault: str) -> None:
                if fault == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    self.rfile.close()
                    self.connection.close()
                    return
                data = b'{"candidates": ['
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, parts: List[Dict[str, Any]], fault: Any) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                text_parts = [p for p in parts if "text" in p]
                first = text_parts[0]["text"][: len(text_parts[0]["text"]) // 2] if text_parts else ""
                self._sse(self._response([{"text": first}], None, {"promptTokenCount": 3, "totalTokenCount": 3}))
                if fault == "stall":
                    upstream.closing.wait(10)
                    return
                if fault == "break":
                    self._broken("reset")
                    return
                if fault == "unavailable":
                    self._sse(status_body(503, "The model is overloaded. Please try again later."))
                    self._chunk(b"")
                    return
                rest = [{"text": text_parts[0]["text"][len(first):]}] if text_parts else []
                rest += [p for p in parts if "text" not in p] + text_parts[1:]
                self._sse(self._response(rest, upstream.finish_reason, upstream.usage))
                self._chunk(b"")

            def _sse(self, data: Dict[str, Any]) -> None:
                self._chunk(f"data: {json.dumps(data)}\r\n\r\n".encode())

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


def last_user_text(body: Dict[str, Any]) -> str:
    for content in reversed(body.get("contents", [])):
        if content.get("role") == "user":
            return "".join(p.get("text", "") for p in content.get("parts", []))
    return ""
