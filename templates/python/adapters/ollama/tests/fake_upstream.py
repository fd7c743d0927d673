"""A tiny Ollama server on 127.0.0.1 for the tests: no network needed.

It answers `GET /api/tags` and `POST /api/chat` with an echo of the last user text, as one
JSON object (`"stream": false`) or as NDJSON lines (Ollama's default). Set `tool_calls`
to answer with those calls, `done_reason` to end otherwise. Set `fault` to make the next
chat request fail: an HTTP status (400, 404, 503, ...) answered with `{"error": "..."}`,
"hang", "garbage" or "reset"; for a stream, "break", "cut", "stall" or "runner" (an `{"error"}`
line after the first one). A key is not needed (a local Ollama has none); `received`
records the Authorization header when one is sent.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from tests.fake_server import ANSWERED, FakeHandler, FakeServer

API_KEY = "ollama-test-key"
MODELS = ["llama-fake:latest", "llava-fake:7b"]
MODEL = MODELS[0]


def valid_config(url: str, **overrides: Any) -> Dict[str, Any]:
    """An /initialize body that points the plugin at a fake upstream on `url`."""
    return {"endpoint": url, **overrides}


# A local Ollama takes no key, so there is no wrong one.
wrong_key_config = None


class FakeUpstream(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.tool_calls: Optional[List[Dict[str, Any]]] = None
        self.done_reason = "stop"
        self.error_is_text = True  # Ollama's errors are {"error": "<text>"} (the "echo-key" fault too)
        upstream = self

        class Handler(FakeHandler):
            def do_GET(self) -> None:
                if self.path != "/api/tags":
                    self.send_json(404, {"error": "404 page not found"})
                    return
                details = {"format": "gguf", "family": "llama", "parameter_size": "3.2B", "quantization_level": "Q4_K_M"}
                self.send_json(200, {"models": [{"name": m, "model": m, "size": 1, "details": details} for m in MODELS]})

            def do_POST(self) -> None:
                url, body = self.receive()
                fault = self.take_fault(b'{"message": ')
                if fault is ANSWERED:
                    return
                if isinstance(fault, int):
                    headers = {"Retry-After": upstream.retry_after} if upstream.retry_after else {}
                    self.send_json(fault, {"error": f"fake error {fault}"}, headers)
                    return
                if body.get("model") not in MODELS:
                    self.send_json(404, {"error": f"model '{body.get('model')}' not found"})
                    return
                text = "echo: " + next((m.get("content", "") for m in reversed(body.get("messages", [])) if m.get("role") == "user"), "")
                last = {"model": body["model"], "created_at": "2025-01-01T00:00:00Z", "done": True, "done_reason": upstream.done_reason,
                        "total_duration": 1000, "prompt_eval_count": 3, "eval_count": 2}
                if body.get("stream") is False:
                    message: Dict[str, Any] = {"role": "assistant", "content": "" if upstream.tool_calls else text}
                    if upstream.tool_calls:
                        message["tool_calls"] = upstream.tool_calls
                    self.send_json(200, {**last, "message": message})
                    return
                self.start_stream("application/x-ndjson")
                half = len(text) // 2
                first = {"model": body["model"], "message": {"role": "assistant", "content": "" if upstream.tool_calls else text[:half]}, "done": False}
                self._line(first)
                if self.interrupt(fault):
                    return
                if fault == "runner":
                    self._line({"error": "an error was encountered while running the model: unexpected EOF"})
                    self.chunk(b"")
                    return
                if upstream.tool_calls:
                    self._line({"model": body["model"], "message": {"role": "assistant", "content": "", "tool_calls": upstream.tool_calls}, "done": False})
                else:
                    self._line({"model": body["model"], "message": {"role": "assistant", "content": text[half:]}, "done": False})
                self._line({**last, "message": {"role": "assistant", "content": ""}})
                self.chunk(b"")

            def _line(self, data: Dict[str, Any]) -> None:
                self.chunk(json.dumps(data).encode() + b"\n")

        self.serve(Handler)
