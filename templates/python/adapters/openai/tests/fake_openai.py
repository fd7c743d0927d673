"""A tiny OpenAI-style upstream on 127.0.0.1 for the tests: no network needed.

What differs between dialects (auth header, URL, error bodies, extra faults, a first
stream chunk) is said by the subclass in fake_upstream.py, through the hooks below; the
faults and the answers are the same, the server plumbing is tests/fake_server.py's. Set
`fault` to make the next chat request fail: an HTTP status (401, 429, 503, ...), a fault
the subclass names (`faults`), "hang", "garbage" (200 with broken JSON) or "reset"
(connection dropped); for a stream, "break" (drops the connection after the first event),
"stall" (goes quiet after it), "cut" (ends cleanly after it), "no-done" (the whole
answer, its finish_reason chunk included, but no [DONE]), "two-choices-cut" (two choices
as with `n: 2`; index 0 finishes, index 1 never does, no [DONE]), "two-choices-one-sent"
(as if asked for `n: 2`, only index 0 comes, and finishes; no [DONE]), "two-choices-no-done"
(both finish, no [DONE]), "stream-error-object" (the first word, then
`data: {"error": stream_error}` and the end: an error the provider reports after the 200)
or "stream-error-event" (the same with an `event: error` line before the data).
"""
from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import ParseResult, urlparse

from tests.fake_server import ANSWERED, FakeHandler, FakeServer

# A status and a JSON body the fake answers with.
Answer = Tuple[int, Any]


class FakeOpenAI(FakeServer):
    # ---- the dialect: fake_upstream.py's subclass says these ----
    models: List[str] = []
    unauthorised: Any = None
    unknown_model: Any = None
    faults: Dict[str, Answer] = {}
    # Sent before the stream's content chunks, when set.
    first_chunk: Optional[Dict[str, Any]] = None
    # What the "stream-error-*" faults send as the in-stream `error` (a test may set another).
    stream_error: Dict[str, Any] = {"message": "The server had an error while processing your request.", "type": "server_error", "param": None, "code": None}

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
        super().__init__()
        self.serve(OpenAIHandler)


class OpenAIHandler(FakeHandler):
    upstream: FakeOpenAI

    def _authorized(self) -> bool:
        if self.upstream.authorised(self.headers):
            return True
        self.send_json(401, self.upstream.unauthorised)
        return False

    def do_GET(self) -> None:
        if not self._authorized():
            return
        self.send_json(*(self.upstream.answer("GET", urlparse(self.path)) or (404, {"error": {"message": "no such path"}})))

    def do_POST(self) -> None:
        upstream = self.upstream
        url, body = self.receive()
        if not self._authorized():
            return
        answer = upstream.answer("POST", url)
        if answer:
            self.send_json(*answer)
            return
        fault = self.take_fault(b'{"choices": [')
        if fault is ANSWERED:
            return
        if isinstance(fault, int):
            headers = {"Retry-After": upstream.retry_after} if upstream.retry_after else {}
            self.send_json(fault, upstream.error_body(fault), headers)
            return
        if fault in upstream.faults:
            self.send_json(*upstream.faults[fault])
            return
        model = upstream.model_of(url, body)
        if model not in upstream.models:
            self.send_json(404, upstream.unknown_model)
            return
        last = body["messages"][-1].get("content")
        reply = f"echo: {last}"
        if body.get("stream"):
            self._stream(model, reply, fault)
            return
        self.send_json(
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

    def _stream(self, model: str, reply: str, fault: Any) -> None:
        self.start_stream()
        if fault in ("two-choices-cut", "two-choices-one-sent", "two-choices-no-done"):
            self._two_choices(model, reply, fault)
            return
        if self.upstream.first_chunk:
            self.chunk(f"data: {json.dumps(self.upstream.first_chunk)}\n\n".encode())
        words = reply.split(" ")
        for index, word in enumerate(words):
            text = word if index == 0 else " " + word
            chunk = {"id": "chatcmpl-2", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
                     "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]}
            self.chunk(f"data: {json.dumps(chunk)}\n\n".encode())
            if self.interrupt(fault) or self._stream_error(fault):
                return
            time.sleep(0.05)
        last = {"id": "chatcmpl-2", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        self.chunk(f"data: {json.dumps(last)}\n\n".encode())
        if fault != "no-done":
            self.chunk(b"data: [DONE]\n\n")
        self.chunk(b"")

    def _stream_error(self, fault: Any) -> bool:
        """The "stream-error-*" faults: the provider's error object as one more event, then
        the end of the stream, as OpenAI-compatible servers send a failure after the 200."""
        if fault not in ("stream-error-object", "stream-error-event"):
            return False
        event = b"event: error\n" if fault == "stream-error-event" else b""
        self.chunk(event + f"data: {json.dumps({'error': self.upstream.stream_error})}\n\n".encode())
        self.chunk(b"")
        return True

    def _two_choices(self, model: str, reply: str, fault: str) -> None:
        """Two choices (one for "two-choices-one-sent"), one chunk each per word as OpenAI
        sends them; ends without [DONE]."""
        indexes = [0] if fault == "two-choices-one-sent" else [0, 1]

        def send(index: int, delta: Dict[str, Any], finish: Optional[str] = None) -> None:
            chunk = {"id": "chatcmpl-3", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
                     "choices": [{"index": index, "delta": delta, "finish_reason": finish}]}
            self.chunk(f"data: {json.dumps(chunk)}\n\n".encode())

        for word in reply.split(" "):
            for index in indexes:
                send(index, {"content": word + " "})
        send(0, {}, "stop")
        if fault == "two-choices-no-done":
            send(1, {}, "stop")
        self.chunk(b"")
