"""A tiny Gemini API (v1beta) on 127.0.0.1 for the tests: no network needed.

It answers `GET /v1beta/models` (in pages of one, with an embedding model that cannot
chat) and `POST /v1beta/models/{model}:generateContent` (or `:streamGenerateContent?alt=sse`)
with an echo of the last user text. Set `parts` (and `finish_reason`) to answer with those
parts instead, `blocked` to block the prompt. Set `fault` to make the next chat request
fail: an HTTP status (400, 429, 503, ...) answered with a google.rpc.Status body (`details`
sets its details), "hang", "garbage" or "reset"; for a stream, "break", "cut", "stall" or
"unavailable" (a `data: {"error": ...}` after the first chunk).
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlparse

from tests.fake_server import ANSWERED, FakeHandler, FakeServer

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


class FakeUpstream(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.error_message = "fake error"
        self.rpc: Optional[str] = None
        self.details: Optional[List[Any]] = None
        self.parts: Optional[List[Dict[str, Any]]] = None
        self.finish_reason = "STOP"
        self.blocked = False
        self.usage: Dict[str, int] = {"promptTokenCount": 3, "candidatesTokenCount": 2, "totalTokenCount": 5}
        upstream = self

        class Handler(FakeHandler):
            def _authorized(self) -> bool:
                if self.headers.get("x-goog-api-key") == API_KEY:
                    return True
                self.send_json(400, BAD_KEY)
                return False

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if not self._authorized():
                    return
                if url.path != "/v1beta/models":
                    self.send_json(404, status_body(404, "no such path"))
                    return
                token = parse_qs(url.query).get("pageToken", [""])[0]
                models = [{"name": f"models/{m}", "displayName": m.title(), "supportedGenerationMethods": ["generateContent", "streamGenerateContent"], "inputTokenLimit": 1048576, "outputTokenLimit": 8192} for m in MODELS]
                models.append({"name": "models/fake-embedding", "supportedGenerationMethods": ["embedContent"]})
                start = int(token or 0)
                page: Dict[str, Any] = {"models": models[start : start + 1]}
                if start + 1 < len(models):
                    page["nextPageToken"] = str(start + 1)
                self.send_json(200, page)

            def do_POST(self) -> None:
                url, body = self.receive()
                if not self._authorized():
                    return
                fault = self.take_fault(b'{"candidates": [')
                if fault is ANSWERED:
                    return
                if isinstance(fault, int):
                    self.send_json(fault, status_body(fault, upstream.error_message, upstream.details, upstream.rpc))
                    return
                match = CHAT.match(url.path)
                if not match or match.group(1) not in MODELS:
                    self.send_json(404, status_body(404, f"models/{match.group(1) if match else '?'} is not found for API version v1beta"))
                    return
                if upstream.blocked:
                    self.send_json(200, {"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 3, "totalTokenCount": 3}})
                    return
                parts = upstream.parts or [{"text": "echo: " + last_user_text(body)}]
                if match.group(2) == "streamGenerateContent":
                    self._stream(parts, fault)
                    return
                self.send_json(200, self._response(parts, upstream.finish_reason, upstream.usage))

            def _response(self, parts: List[Dict[str, Any]], finish: Optional[str], usage: Dict[str, int]) -> Dict[str, Any]:
                candidate: Dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
                if finish:
                    candidate["finishReason"] = finish
                return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": MODEL, "responseId": "resp-fake"}

            def _stream(self, parts: List[Dict[str, Any]], fault: Any) -> None:
                self.start_stream()
                text_parts = [p for p in parts if "text" in p]
                first = text_parts[0]["text"][: len(text_parts[0]["text"]) // 2] if text_parts else ""
                self._sse(self._response([{"text": first}], None, {"promptTokenCount": 3, "totalTokenCount": 3}))
                if self.interrupt(fault):
                    return
                if fault == "unavailable":
                    self._sse(status_body(503, "The model is overloaded. Please try again later."))
                    self.chunk(b"")
                    return
                rest = [{"text": text_parts[0]["text"][len(first):]}] if text_parts else []
                rest += [p for p in parts if "text" not in p] + text_parts[1:]
                self._sse(self._response(rest, upstream.finish_reason, upstream.usage))
                self.chunk(b"")

            def _sse(self, data: Dict[str, Any]) -> None:
                self.chunk(f"data: {json.dumps(data)}\r\n\r\n".encode())

        self.serve(Handler)


def last_user_text(body: Dict[str, Any]) -> str:
    for content in reversed(body.get("contents", [])):
        if content.get("role") == "user":
            return "".join(p.get("text", "") for p in content.get("parts", []))
    return ""
