"""The upstream provider: an OpenAI-compatible HTTP API (`GET /models`,
`POST /chat/completions`). Everything it answers is translated into Loom's shapes and
error codes here, so the routes never see a raw upstream response.

Adapting the plugin to a provider that is not OpenAI-compatible means changing this
file: keep the function signatures and the PluginError codes. What differs between
OpenAI dialects (URL, auth header, model list, stream chunks, error codes) is in wire.py.
"""
from __future__ import annotations

import math
import re
import time
import uuid
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

import requests

from .errors import PluginError, provider_quote, provider_reported
from .settings import Config
from .transport import Transport, read_json as _json, relay_stream, sse_event as _event
from .wire import Wire, error_from_body, error_from_response

# Parameters that are Loom's own and mean nothing to the upstream.
LOOM_ONLY_FIELDS = ("plugin_specific",)


class Upstream:
    def __init__(self, config: Config) -> None:
        self.wire = Wire(config)
        self.base = self.wire.base_url(config["endpoint"].rstrip("/"))
        self.timeout = config["timeout"]
        self.transport = Transport(self.base, self.timeout, self.wire.auth_headers(config["api_key"]), error_from_response)
        self._send = self.transport.send

    def close(self) -> None:
        self.transport.close()

    def list_models(self) -> List[Dict[str, Any]]:
        return self.wire.list_models(lambda path: _json(self._send("GET", path)))

    def chat(self, request: Dict[str, Any]) -> Dict[str, Any]:
        body = _forwarded(request)
        body.pop("stream", None)
        return normalize_completion(_json(self._send("POST", self.wire.chat_path(request), body)), request)

    def chat_stream(self, request: Dict[str, Any]) -> Iterator[bytes]:
        """Opens the stream now (so an upstream error is still an ordinary JSON error),
        then returns an iterator of SSE events to pass on as they arrive."""
        body = _forwarded(request)
        body["stream"] = True
        response = self._send("POST", self.wire.chat_path(request), body, stream=True)
        return _relay_events(response, request, self.timeout, self.wire)


def _forwarded(request: Dict[str, Any]) -> Dict[str, Any]:
    return {key: value for key, value in request.items() if key not in LOOM_ONLY_FIELDS}


# -- errors ------------------------------------------------------------------------------


# An error sent inside a stream has no HTTP status: its code (else its type) stands for the
# status an error answer of that kind comes with. One table for both dialects: Azure streams
# OpenAI's events, and its own two names mean nothing to OpenAI. insufficient_quota is a
# spent quota (402 in both wires), not a rate limit worth retrying.
STREAM_ERROR_STATUS = {
    "invalid_request_error": 400,
    "Unauthorized": 401,
    "invalid_api_key": 401,
    "insufficient_quota": 402,
    "DeploymentNotFound": 404,
    "model_not_found": 404,
    "rate_limit_exceeded": 429,
    "server_error": 500,
    "service_unavailable_error": 503,
    "server_is_overloaded": 503,
    "slow_down": 503,
}

# Only ASCII digits are a status: str.isdigit() would take "٤٢٩" for 429.
_HTTP_STATUS = re.compile(r"[0-9]+")


def is_stream_error(value: Any) -> bool:
    """An event is the provider's error when its `error` is a non-empty object or string
    (the same rule in every language's template; true, 0 or [] are not errors)."""
    return (isinstance(value, dict) or isinstance(value, str)) and len(value) > 0


def stream_error(error: Dict[str, Any]) -> PluginError:
    """An `{"error": {...}}` event the provider sends after the stream started: classified
    like an error answer of the same code or type (wire.py), told like the other failures a
    provider reports mid-stream, with the code it was classified by (else its type) and its
    message, cut at 200 characters."""
    failure = error_from_body(_stream_status(error), error, {})
    kind = next((str(error[key]) for key in ("code", "type") if error.get(key) not in (None, "")), "")
    said = ": ".join(part for part in (kind, provider_quote(error.get("message") or "")) if part)
    failure.message = provider_reported(failure.code, said)
    # No HTTP status or headers came with it: the status _stream_status chose and the wait
    # read from no Retry-After are not the provider's.
    failure.details = {key: value for key, value in (failure.details or {}).items() if key not in ("upstream_status", "retry_after")}
    return failure


def _stream_status(error: Dict[str, Any]) -> int:
    """An HTTP status given as the error's code or type (some servers send one), else the
    status its code's or type's kind of answer has, else 502: the provider failed."""
    for key in ("code", "type"):
        value = error.get(key)
        if isinstance(value, (int, str)) and not isinstance(value, bool) and _HTTP_STATUS.fullmatch(str(value)) and 400 <= int(value) <= 599:
            return int(value)
        if isinstance(value, str) and value in STREAM_ERROR_STATUS:
            return STREAM_ERROR_STATUS[value]
    return 502


# -- shapes ------------------------------------------------------------------------------


def _int(value: Any, fallback: int) -> int:
    # Loom decodes these fields as integers: 5.0 or "5" would fail there. A client's n of
    # 1e400 reads as infinity, which int() refuses.
    if isinstance(value, bool) or (isinstance(value, float) and not math.isfinite(value)):
        return fallback
    if isinstance(value, (int, float)):
        return int(value)
    return fallback


def _text(content: Any) -> Optional[str]:
    """message.content is a string or null for Loom; some providers send a list of parts."""
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict) and isinstance(part.get("text"), str))
    return str(content)


def _bad_shape(what: str) -> PluginError:
    return PluginError("internal_error", f"the provider's answer is not a valid {what}")


def normalize_completion(data: Any, request: Dict[str, Any]) -> Dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        raise _bad_shape("chat completion")
    choices = []
    for index, choice in enumerate(data["choices"]):
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            raise _bad_shape("chat completion")
        choices.append(
            {
                "index": _int(choice.get("index"), index),
                "message": {**message, "role": str(message.get("role") or "assistant"), "content": _text(message.get("content"))},
                "finish_reason": str(choice.get("finish_reason") or "stop"),
            }
        )
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    prompt = _int(usage.get("prompt_tokens"), 0)
    completion = _int(usage.get("completion_tokens"), 0)
    normalized_usage: Dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": _int(usage.get("total_tokens"), prompt + completion),
    }
    if isinstance(usage.get("cost_usd"), (int, float)) and not isinstance(usage.get("cost_usd"), bool):
        normalized_usage["cost_usd"] = usage["cost_usd"]
    return {
        "id": str(data.get("id") or f"chatcmpl-{uuid.uuid4().hex}"),
        "object": "chat.completion",
        "created": _int(data.get("created"), int(time.time())),
        "model": str(data.get("model") or request.get("model") or ""),
        "choices": choices,
        "usage": normalized_usage,
    }


def normalize_chunk(data: Any, request: Dict[str, Any]) -> Dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        raise _bad_shape("chat completion chunk")
    chunk = dict(data)
    chunk["object"] = "chat.completion.chunk"
    chunk["id"] = str(data.get("id") or "chatcmpl-stream")
    chunk["created"] = _int(data.get("created"), int(time.time()))
    chunk["model"] = str(data.get("model") or request.get("model") or "")
    choices = []
    for index, choice in enumerate(data["choices"]):
        if not isinstance(choice, dict):
            raise _bad_shape("chat completion chunk")
        delta = choice.get("delta") if isinstance(choice.get("delta"), dict) else {}
        if "content" in delta:
            delta = {**delta, "content": _text(delta["content"])}
        choices.append({**choice, "index": _int(choice.get("index"), index), "delta": delta})
    chunk["choices"] = choices
    if isinstance(data.get("usage"), dict):
        usage = data["usage"]
        chunk["usage"] = {key: _int(usage.get(key), 0) for key in ("prompt_tokens", "completion_tokens", "total_tokens")}
    return chunk


# -- streaming ---------------------------------------------------------------------------


def _relay_events(response: requests.Response, request: Dict[str, Any], timeout: int, wire: Wire) -> Iterator[bytes]:
    """Passes the upstream's SSE `data:` events on one by one, normalised (transport.py
    keeps the protocol's rules). A stream that closes without [DONE] is complete if every
    choice in it carried a finish_reason and, with `n` > 1, choices 0 to n-1 all came (some
    OpenAI-compatible servers forget [DONE]; with `n` > 1 one choice can finish while another
    is still being written, or before another began); otherwise the answer was cut short,
    and Loom must not take it for a whole one."""
    asked = _int(request.get("n"), 1)
    started: Set[int] = set()
    finished: Set[int] = set()

    def translate(data: Dict[str, Any]) -> Tuple[List[bytes], bool]:
        # OpenAI-compatible servers report a failure after the 200 as an event with a
        # top-level `error` (OpenAI's own SDK fails on any such event), not as a chunk.
        if is_stream_error(data.get("error")):
            raise stream_error(data["error"] if isinstance(data["error"], dict) else {"message": str(data["error"])})
        chunk = normalize_chunk(data, request)
        for choice in chunk["choices"]:
            started.add(choice["index"])
            if choice.get("finish_reason") is not None:
                finished.add(choice["index"])
        return ([_event(chunk)] if wire.keep_chunk(chunk) else []), False

    def ended() -> List[bytes]:
        if _cut_short(started, finished, asked):
            raise PluginError("provider_unavailable", "the provider ended the stream before the answer was finished; retrying may work")
        return []

    return relay_stream(response, timeout, translate, ended, done_ends=True)


def _cut_short(started: Set[int], finished: Set[int], asked: int) -> bool:
    """Whether a stream that ended without [DONE] was cut short: no choice came, one that
    came never finished, or (n > 1) one of the n asked for never came. It counts the
    finished choices below n rather than looking each index up, so a huge n costs nothing."""
    if not started or started - finished:
        return True
    return asked > 1 and len([index for index in finished if 0 <= index < asked]) < asked
