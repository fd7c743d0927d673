"""A tiny Cohere v2 Chat API on 127.0.0.1 for the tests: no network needed.

It answers `GET /v1/models` (in pages of one) and `POST /v2/chat` with an echo of the
last user text, as a response or as typed SSE events. Set `tool_calls` to answer with
those calls, `finish_reason` to end otherwise. Set `fault` to make the next chat request
fail: an HTTP status (400, 402, 503, ...) answered with `{"message": "..."}`, "hang",
"garbage" or "reset"; for a stream, "break", "cut", "stall" or "error" (a `message-end` with
`finish_reason: ERROR` after the first event).
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlparse

from tests.fake_server import ANSWERED, FakeHandler, FakeServer

API_KEY = "co-test-key"
MODELS = ["command-fake", "command-fake-vision"]
MODEL = MODELS[0]


def valid_config(url: str, **overrides: Any) -> Dict[str, Any]:
    """An /initialize body that points the plugin at a fake upstream on `url`."""
    return {"api_key": API_KEY, "endpoint": url, **overrides}


def wrong_key_config(url: str) -> Dict[str, Any]:
    return valid_config(url, api_key="wrong")


class FakeUpstream(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.tool_calls: Optional[List[Dict[str, Any]]] = None
        self.finish_reason = "COMPLETE"
        upstream = self

        class Handler(FakeHandler):
            def _authorized(self) -> bool:
                if self.headers.get("Authorization") == f"Bearer {API_KEY}":
                    return True
                self.send_json(401, {"message": "invalid api token"})
                return False

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if not self._authorized():
                    return
                if url.path != "/v1/models":
                    self.send_json(404, {"message": "not found"})
                    return
                query = parse_qs(url.query)
                start = int((query.get("page_token") or ["0"])[0])
                features = [["tools"], ["tools", "vision"]]
                page: Dict[str, Any] = {"models": [{"name": MODELS[start], "endpoints": query.get("endpoint", []), "context_length": 128000, "features": features[start]}]}
                if start + 1 < len(MODELS):
                    page["next_page_token"] = str(start + 1)
                self.send_json(200, page)

            def do_POST(self) -> None:
                url, body = self.receive()
                if not self._authorized():
                    return
                fault = self.take_fault(b'{"message": [')
                if fault is ANSWERED:
                    return
                if isinstance(fault, int):
                    headers = {"Retry-After": upstream.retry_after} if upstream.retry_after else {}
                    self.send_json(fault, {"message": f"fake error {fault}"}, headers)
                    return
                if body.get("model") not in MODELS:
                    self.send_json(404, {"message": f"model '{body.get('model')}' not found, make sure the correct model ID was used"})
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
                    self.send_json(200, {"id": "c-fake", "finish_reason": upstream.finish_reason, "message": message, "usage": usage})
                    return
                self.start_stream()
                self._sse({"id": "c-fake", "type": "message-start", "delta": {"message": {"role": "assistant", "content": [], "tool_calls": []}}})
                if self.interrupt(fault):
                    return
                if fault == "error":
                    self._sse({"type": "message-end", "delta": {"finish_reason": "ERROR", "error": "internal server error while generating"}})
                    self.chunk(b"")
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
                self.chunk(b"data: [DONE]\n\n")
                self.chunk(b"")

            def _sse(self, data: Dict[str, Any]) -> None:
                self.chunk(f"event: {data['type']}\ndata: {json.dumps(data)}\n\n".encode())

        self.serve(Handler)
