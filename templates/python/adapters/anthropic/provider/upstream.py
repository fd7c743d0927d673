"""The upstream provider: Anthropic's Messages API (`POST /v1/messages`, `GET /v1/models`).

This is the adapter: it maps Loom's OpenAI-style chat request to an Anthropic request
(the system prompt as the top-level `system`, images as image blocks, tools with
`input_schema`, a `max_tokens` Anthropic requires), maps the message back (text,
`tool_calls`, `finish_reason`, usage that adds up), turns Anthropic's named stream events
into OpenAI-style chunks ending in `[DONE]`, and maps every Anthropic error to Loom's
codes. The routes never see a raw upstream response.
"""
from __future__ import annotations

import json
import time
import uuid
from typing import Any, Dict, Iterator, List, Optional, Tuple

import requests

from .errors import PluginError, provider_quote, provider_reported, retry_after_seconds
from .settings import Config
from .transport import Transport, read_json as _json, relay_stream, sse_event as _event

ANTHROPIC_VERSION = "2023-06-01"
# Most model ids a provider has: enough pages for any real list, bounded against a loop.
MAX_MODEL_PAGES = 20


class Upstream:
    def __init__(self, config: Config) -> None:
        self.base = config["endpoint"].rstrip("/")
        self.timeout = config["timeout"]
        self.default_max_tokens = int(config.get("max_tokens") or 4096)
        headers = {"x-api-key": config["api_key"], "anthropic-version": ANTHROPIC_VERSION}
        self.transport = Transport(self.base, self.timeout, headers, error_from_response)
        self._send = self.transport.send

    def close(self) -> None:
        self.transport.close()

    def list_models(self) -> List[Dict[str, Any]]:
        models: List[Dict[str, Any]] = []
        seen = set()
        after: Optional[str] = None
        for _ in range(MAX_MODEL_PAGES):
            query = "?limit=1000" + (f"&after_id={after}" if after else "")
            page = _json(self._send("GET", "/v1/models" + query))
            items = page.get("data") if isinstance(page, dict) else None
            if not isinstance(items, list):
                raise PluginError("internal_error", "the provider's model list is not a list")
            for item in items:
                model_id = item.get("id") if isinstance(item, dict) else None
                if isinstance(model_id, str) and model_id and model_id not in seen:
                    seen.add(model_id)
                    models.append(_model(item, model_id))
            after = page.get("last_id")
            if not page.get("has_more") or not isinstance(after, str):
                break
        return models

    def chat(self, request: Dict[str, Any]) -> Dict[str, Any]:
        body = to_anthropic(request, self.default_max_tokens)
        return from_message(_json(self._send("POST", "/v1/messages", body)), request)

    def chat_stream(self, request: Dict[str, Any]) -> Iterator[bytes]:
        """Opens the stream now (so an upstream error is still an ordinary JSON error),
        then returns an iterator of OpenAI-style SSE events made from Anthropic's."""
        body = to_anthropic(request, self.default_max_tokens)
        body["stream"] = True
        response = self._send("POST", "/v1/messages", body, stream=True)
        return _translate_stream(response, request, self.timeout)


def _model(item: Dict[str, Any], model_id: str) -> Dict[str, Any]:
    # Every current Claude model streams, calls tools and reads images.
    model: Dict[str, Any] = {"id": model_id, "name": str(item.get("display_name") or model_id),
                             "capabilities": {"streaming": True, "function_calling": True, "vision": True}}
    for theirs, ours in (("max_input_tokens", "context_window"), ("max_tokens", "max_output_tokens")):
        if isinstance(item.get(theirs), int) and not isinstance(item.get(theirs), bool):
            model[ours] = item[theirs]
    return model


# -- request: OpenAI style -> Anthropic ---------------------------------------------------


def _invalid(message: str) -> PluginError:
    return PluginError("invalid_request", message)


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def _image_block(part: Dict[str, Any]) -> Dict[str, Any]:
    image = part.get("image_url")
    url = image.get("url") if isinstance(image, dict) else image
    if not isinstance(url, str) or not url:
        raise _invalid("an image_url part needs a url")
    if url.startswith("data:"):
        header, _, data = url.partition(",")
        media_type = header[5:].split(";")[0]
        if ";base64" not in header or not media_type.startswith("image/"):
            raise _invalid("an image data URL must be data:image/<type>;base64,...")
        return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}
    return {"type": "image", "source": {"type": "url", "url": url}}


def _blocks(content: Any) -> List[Dict[str, Any]]:
    if content is None:
        return []
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    if not isinstance(content, list):
        raise _invalid("message content must be a string or an array of parts")
    blocks = []
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            blocks.append({"type": "text", "text": str(part.get("text", ""))})
        elif kind == "image_url":
            blocks.append(_image_block(part))
        else:
            raise _invalid(f"unsupported content part type {kind!r}")
    return blocks


def _tool_use(call: Any) -> Dict[str, Any]:
    function = call.get("function") if isinstance(call, dict) else None
    if not isinstance(function, dict) or not function.get("name"):
        raise _invalid("every tool call needs a function name")
    try:
        arguments = json.loads(function.get("arguments") or "{}")
    except ValueError:
        raise _invalid("tool call arguments must be a JSON text") from None
    return {"type": "tool_use", "id": str(call.get("id") or ""), "name": function["name"], "input": arguments}


def _turn(message: Dict[str, Any]) -> Tuple[str, List[Dict[str, Any]]]:
    role = message.get("role")
    if role == "tool":
        result = {"type": "tool_result", "tool_use_id": str(message.get("tool_call_id") or ""), "content": _text_of(message.get("content"))}
        return "user", [result]
    if role == "assistant":
        calls = message.get("tool_calls") or []
        return "assistant", _blocks(message.get("content")) + [_tool_use(call) for call in calls]
    if role == "user":
        return "user", _blocks(message.get("content"))
    raise _invalid(f"unsupported message role {role!r}")


def _tool_choice(choice: Any) -> Optional[Dict[str, Any]]:
    if choice in (None, "auto"):
        return {"type": "auto"} if choice else None
    if choice == "none":
        return {"type": "none"}
    if choice == "required":
        return {"type": "any"}
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        return {"type": "tool", "name": choice["function"].get("name")}
    raise _invalid("tool_choice must be auto, none, required or a named function")


def to_anthropic(request: Dict[str, Any], default_max_tokens: int) -> Dict[str, Any]:
    system: List[str] = []
    turns: List[Dict[str, Any]] = []
    for message in request["messages"]:
        if message.get("role") in ("system", "developer"):
            system.append(_text_of(message.get("content")))
            continue
        role, blocks = _turn(message)
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)  # Anthropic wants the roles to alternate
        else:
            turns.append({"role": role, "content": blocks})
    max_tokens = request.get("max_completion_tokens") or request.get("max_tokens") or default_max_tokens
    body: Dict[str, Any] = {"model": request["model"], "messages": turns, "max_tokens": max_tokens}
    if system:
        body["system"] = "\n\n".join(system)
    for key in ("temperature", "top_p"):
        if request.get(key) is not None:
            body[key] = request[key]
    stop = request.get("stop")
    if stop:
        body["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
    tools = request.get("tools")
    if tools:
        body["tools"] = [
            {
                "name": tool["function"]["name"],
                "description": tool["function"].get("description", ""),
                "input_schema": tool["function"].get("parameters") or {"type": "object", "properties": {}},
            }
            for tool in tools
            if isinstance(tool, dict) and isinstance(tool.get("function"), dict)
        ]
        choice = _tool_choice(request.get("tool_choice"))
        if choice:
            body["tool_choice"] = choice
    return body


# -- answer: Anthropic -> OpenAI style ----------------------------------------------------

FINISH_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}


def _int(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def usage_of(usage: Any) -> Dict[str, int]:
    usage = usage if isinstance(usage, dict) else {}
    # Cached input is input too: the three fields together are what the prompt cost.
    prompt = sum(_int(usage.get(key)) for key in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"))
    completion = _int(usage.get("output_tokens"))
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _bad_shape(what: str) -> PluginError:
    return PluginError("internal_error", f"the provider's answer is not a valid {what}")


def from_message(data: Any, request: Dict[str, Any]) -> Dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("content"), list):
        raise _bad_shape("message")
    text = "".join(b.get("text", "") for b in data["content"] if isinstance(b, dict) and b.get("type") == "text")
    calls = [
        {"id": str(b.get("id")), "type": "function", "function": {"name": str(b.get("name")), "arguments": json.dumps(b.get("input") or {})}}
        for b in data["content"]
        if isinstance(b, dict) and b.get("type") == "tool_use"
    ]
    message: Dict[str, Any] = {"role": "assistant", "content": text if text or not calls else None}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": str(data.get("id") or f"chatcmpl-{uuid.uuid4().hex}"),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(data.get("model") or request.get("model") or ""),
        "choices": [{"index": 0, "message": message, "finish_reason": FINISH_REASONS.get(str(data.get("stop_reason")), "stop")}],
        "usage": usage_of(data.get("usage")),
    }


# -- errors -------------------------------------------------------------------------------

# Anthropic's error.type -> Loom code (the in-stream `error` event carries only the type).
ERROR_TYPES = {
    "invalid_request_error": "invalid_request",
    "request_too_large": "invalid_request",
    "authentication_error": "authentication_failed",
    "permission_error": "authentication_failed",
    "billing_error": "quota_exceeded",
    "not_found_error": "model_not_found",
    "rate_limit_error": "rate_limit_exceeded",
    "timeout_error": "timeout",
    "api_error": "provider_unavailable",
    "overloaded_error": "provider_unavailable",
}
STATUS_CODES = {401: "authentication_failed", 403: "authentication_failed", 402: "quota_exceeded", 404: "model_not_found", 429: "rate_limit_exceeded", 408: "timeout", 504: "timeout"}
SPEND_LIMIT_WORDS = ("spend limit", "credit balance", "enforced_spend_limit_reached")


def loom_code(status: int, error_type: str, message: str, raw: str) -> str:
    if any(word in raw.lower() for word in SPEND_LIMIT_WORDS):
        return "quota_exceeded"  # a spend cap arrives as a 400 or 429 but waiting does not help
    if status in STATUS_CODES:
        return STATUS_CODES[status]
    if status >= 500:
        return "provider_unavailable"  # 500 api_error, 529 overloaded_error, gateways
    return ERROR_TYPES.get(error_type, "invalid_request")


def plugin_error(code: str, message: str, status: int, retry_after: Optional[str] = None) -> PluginError:
    details: Dict[str, Any] = {"upstream_status": status} if status else {}
    if code == "rate_limit_exceeded":
        seconds = retry_after_seconds(retry_after)
        return PluginError(code, message, details={**details, "retry_after": seconds}, headers={"Retry-After": str(seconds)})
    if code == "provider_unavailable":
        # Overloaded (529) and 503 say "come back later": keep that 503; the rest is a bad gateway.
        return PluginError(code, message, status=503 if status in (503, 529) else 502, details=details)
    return PluginError(code, message, details=details)


def error_from_response(response: requests.Response) -> PluginError:
    status = response.status_code
    raw = response.text[:2000]
    error_type, upstream_message = "", ""
    try:
        error = response.json().get("error", {})
        error_type = str(error.get("type") or "")
        upstream_message = provider_quote(error.get("message") or "")
    except (ValueError, AttributeError):
        pass
    message = f"the provider answered {status}" + (f" {error_type}" if error_type else "") + (f": {upstream_message}" if upstream_message else "")
    return plugin_error(loom_code(status, error_type, upstream_message, raw), message, status, response.headers.get("retry-after"))


# -- streaming: Anthropic events -> OpenAI chunks -----------------------------------------


class _StreamState:
    def __init__(self, request: Dict[str, Any]) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.model = str(request.get("model") or "")
        self.created = int(time.time())
        self.usage: Dict[str, Any] = {}
        self.finish = "stop"
        self.tools: Dict[int, int] = {}  # Anthropic block index -> OpenAI tool call index

    def chunk(self, delta: Dict[str, Any], finish: Optional[str] = None, usage: Optional[Dict[str, int]] = None) -> bytes:
        chunk: Dict[str, Any] = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        if usage is not None:
            chunk["usage"] = usage
        return _event(chunk)

    def translate(self, data: Dict[str, Any]) -> Tuple[List[bytes], bool]:
        """One Anthropic event -> OpenAI chunks, and whether the stream is over; raises an in-stream error."""
        kind = data.get("type")
        if kind == "message_start":
            message = data.get("message") or {}
            self.id = str(message.get("id") or self.id)
            self.model = str(message.get("model") or self.model)
            self.usage.update(message.get("usage") or {})
            return [self.chunk({"role": "assistant", "content": ""})], False
        if kind == "content_block_start":
            block = data.get("content_block") or {}
            if block.get("type") == "tool_use":
                index = self.tools.setdefault(_int(data.get("index")), len(self.tools))
                call = {"index": index, "id": block.get("id"), "type": "function", "function": {"name": block.get("name"), "arguments": ""}}
                return [self.chunk({"tool_calls": [call]})], False
            return [], False
        if kind == "content_block_delta":
            delta = data.get("delta") or {}
            if delta.get("type") == "text_delta":
                return [self.chunk({"content": str(delta.get("text", ""))})], False
            if delta.get("type") == "input_json_delta":
                index = self.tools.get(_int(data.get("index")), 0)
                return [self.chunk({"tool_calls": [{"index": index, "function": {"arguments": str(delta.get("partial_json", ""))}}]})], False
            return [], False  # thinking, signatures, citations: not part of an OpenAI chunk
        if kind == "message_delta":
            self.finish = FINISH_REASONS.get(str((data.get("delta") or {}).get("stop_reason")), "stop")
            self.usage.update(data.get("usage") or {})  # output_tokens is cumulative
            return [], False
        if kind == "message_stop":
            return [self.chunk({}, self.finish, usage_of(self.usage))], True
        if kind == "error":
            error = data.get("error") or {}
            error_type = str(error.get("type") or "")
            code = ERROR_TYPES.get(error_type, "provider_unavailable")
            raise plugin_error(code, provider_reported(code, error_type), 0)
        return [], False  # ping, and event types added later


def _translate_stream(response: requests.Response, request: Dict[str, Any], timeout: int) -> Iterator[bytes]:
    """Anthropic's named SSE events in, OpenAI-style chunks out (transport.py keeps the
    protocol's rules)."""

    def ended() -> List[bytes]:
        raise PluginError("provider_unavailable", "the provider ended the stream before the answer was finished (no message_stop event); retrying may work")

    return relay_stream(response, timeout, _StreamState(request).translate, ended)
