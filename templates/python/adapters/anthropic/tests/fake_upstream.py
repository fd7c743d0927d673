"""A tiny Anthropic Messages API on 127.0.0.1 for the tests: no network needed.

It answers `GET /v1/models` (in pages of one, so paging is exercised) and
`POST /v1/messages` with an echo of the last user text, as a message or as named SSE
events. Set `answer` to a list of content blocks (and `stop_reason`) to answer with those
instead. Set `fault` to make the next chat request fail: an HTTP status (401, 429, 529,
...) answered with Anthropic's error body, "hang", "garbage" (200 with broken JSON) or
"reset"; for a stream, "break" (drops the connection after the first event), "cut" (ends
the answer there), "stall" (goes quiet after it) or "overloaded" (an `event: error` after
it).
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlparse

from tests.fake_server import ANSWERED, FakeHandler, FakeServer

API_KEY = "sk-ant-test-key"
MODELS = ["claude-fake-small", "claude-fake-large"]
MODEL = MODELS[0]

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}


def valid_config(url: str, **overrides: Any) -> Dict[str, Any]:
    """An /initialize body that points the plugin at a fake upstream on `url`."""
    return {"api_key": API_KEY, "endpoint": url, **overrides}


def wrong_key_config(url: str) -> Dict[str, Any]:
    return valid_config(url, api_key="wrong")


def error_body(status: int, message: str) -> Dict[str, Any]:
    return {"type": "error", "error": {"type": ERROR_TYPES.get(status, "api_error"), "message": message}, "request_id": "req_fake"}


class FakeUpstream(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.error_message = "fake error"
        self.answer: Optional[List[Dict[str, Any]]] = None
        self.stop_reason = "end_turn"
        self.usage: Dict[str, int] = {"input_tokens": 3, "output_tokens": 2}
        upstream = self

        class Handler(FakeHandler):
            def _authorized(self) -> bool:
                if self.headers.get("x-api-key") == API_KEY and self.headers.get("anthropic-version"):
                    return True
                self.send_json(401, error_body(401, "invalid x-api-key"))
                return False

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if not self._authorized():
                    return
                if url.path != "/v1/models":
                    self.send_json(404, error_body(404, "no such path"))
                    return
                after = parse_qs(url.query).get("after_id", [None])[0]
                start = MODELS.index(after) + 1 if after in MODELS else 0
                page = MODELS[start : start + 1]
                data = [{"type": "model", "id": m, "display_name": m.upper(), "created_at": "2025-01-01T00:00:00Z", "max_input_tokens": 200000, "max_tokens": 64000} for m in page]
                self.send_json(200, {"data": data, "has_more": start + 1 < len(MODELS), "first_id": page[0], "last_id": page[-1]})

            def do_POST(self) -> None:
                url, body = self.receive()
                if not self._authorized():
                    return
                fault = self.take_fault(b'{"content": [')
                if fault is ANSWERED:
                    return
                if isinstance(fault, int):
                    headers = {"retry-after": upstream.retry_after} if upstream.retry_after else {}
                    self.send_json(fault, error_body(fault, upstream.error_message), headers)
                    return
                if body.get("model") not in MODELS:
                    self.send_json(404, error_body(404, f"model: {body.get('model')}"))
                    return
                blocks = upstream.answer or [{"type": "text", "text": "echo: " + last_user_text(body)}]
                if body.get("stream"):
                    self._stream(body, blocks, fault)
                    return
                message = {"id": "msg_fake", "type": "message", "role": "assistant", "model": body["model"], "content": blocks,
                           "stop_reason": upstream.stop_reason, "stop_sequence": None, "usage": upstream.usage}
                self.send_json(200, message)

            def _stream(self, body: Dict[str, Any], blocks: List[Dict[str, Any]], fault: Any) -> None:
                self.start_stream()
                start = {"id": "msg_fake", "type": "message", "role": "assistant", "model": body["model"], "content": [],
                         "stop_reason": None, "usage": {"input_tokens": upstream.usage["input_tokens"], "output_tokens": 1}}
                self._sse("message_start", {"type": "message_start", "message": start})
                if self.interrupt(fault):
                    return
                if fault == "overloaded":
                    self._sse("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
                    self.chunk(b"")
                    return
                self._sse("ping", {"type": "ping"})
                for index, block in enumerate(blocks):
                    if block["type"] == "text":
                        self._sse("content_block_start", {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}})
                        text = block["text"]
                        for piece in (text[: len(text) // 2], text[len(text) // 2 :]):
                            self._sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": piece}})
                    else:
                        opening = {**block, "input": {}}
                        self._sse("content_block_start", {"type": "content_block_start", "index": index, "content_block": opening})
                        arguments = json.dumps(block["input"])
                        for piece in (arguments[:5], arguments[5:]):
                            self._sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": {"type": "input_json_delta", "partial_json": piece}})
                    self._sse("content_block_stop", {"type": "content_block_stop", "index": index})
                delta = {"type": "message_delta", "delta": {"stop_reason": upstream.stop_reason, "stop_sequence": None},
                         "usage": {"output_tokens": upstream.usage["output_tokens"]}}
                self._sse("message_delta", delta)
                self._sse("message_stop", {"type": "message_stop"})
                self.chunk(b"")

            def _sse(self, name: str, data: Dict[str, Any]) -> None:
                self.chunk(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())

        self.serve(Handler)


def last_user_text(body: Dict[str, Any]) -> str:
    for message in reversed(body.get("messages", [])):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return content
            return "".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")
    return ""
