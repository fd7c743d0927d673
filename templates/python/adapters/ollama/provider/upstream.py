"""The upstream provider: an Ollama server (`POST /api/chat`, `GET /api/tags`).

This is the adapter: it maps Loom's OpenAI-style chat request to an Ollama chat request
(settings under `options`, images as base64 in the message, tool calls with object
arguments, tool results named by function), maps the answer back (text, `tool_calls`,
`finish_reason`, usage from the eval counts), turns Ollama's NDJSON stream into
OpenAI-style SSE chunks ending in `[DONE]`, and maps Ollama's errors to Loom's codes.
The routes never see a raw upstream response.
"""
from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any, Dict, Iterator, List, Optional, Tuple

import requests

from .errors import PluginError, provider_quote, provider_reported, retry_after_seconds
from .settings import Config
from .transport import Transport, read_json as _json, relay_stream, sse_event as _event


class Upstream:
    def __init__(self, config: Config) -> None:
        self.base = config["endpoint"].rstrip("/")
        self.timeout = config["timeout"]
        headers = {}
        if config.get("api_key"):
            # A local Ollama takes no key; ollama.com and servers behind a proxy want a Bearer.
            headers["Authorization"] = f"Bearer {config['api_key']}"
        self.transport = Transport(self.base, self.timeout, headers, error_from_response)
        self._send = self.transport.send

    def close(self) -> None:
        self.transport.close()

    def list_models(self) -> List[Dict[str, Any]]:
        data = _json(self._send("GET", "/api/tags"))
        items = data.get("models") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise PluginError("internal_error", "the provider's model list is not a list")
        models, seen = [], set()
        for item in items:
            name = item.get("name") or item.get("model") if isinstance(item, dict) else None
            if isinstance(name, str) and name and name not in seen:
                seen.add(name)
                models.append(_model(item, name))
        return models

    def chat(self, request: Dict[str, Any]) -> Dict[str, Any]:
        body = to_ollama(request)
        body["stream"] = False  # Ollama streams unless told not to
        return from_response(_json(self._send("POST", "/api/chat", body)), request)

    def chat_stream(self, request: Dict[str, Any]) -> Iterator[bytes]:
        """Opens the stream now (so an upstream error is still an ordinary JSON error),
        then returns an iterator of OpenAI-style SSE events made from Ollama's lines."""
        body = to_ollama(request)
        body["stream"] = True
        response = self._send("POST", "/api/chat", body, stream=True)
        return _translate_stream(response, request, self.timeout)


def _model(item: Dict[str, Any], name: str) -> Dict[str, Any]:
    details = item.get("details") if isinstance(item.get("details"), dict) else {}
    size = " ".join(str(details[key]) for key in ("parameter_size", "quantization_level") if details.get(key))
    # /api/tags does not say which models take tools or images (only /api/show does, one
    # model at a time): claim streaming, which every Ollama model does.
    model: Dict[str, Any] = {"id": name, "name": name, "capabilities": {"streaming": True}}
    if size:
        model["description"] = f"{details.get('family') or 'model'} {size}".strip()
    return model


# -- request: OpenAI style -> Ollama ------------------------------------------------------


def _invalid(message: str) -> PluginError:
    return PluginError("invalid_request", message)


DATA_URL = re.compile(r"^data:image/[\w.+-]+;base64,(.*)$", re.S)


def _content(content: Any) -> Dict[str, Any]:
    """Ollama wants the text as one string and images as bare base64 beside it."""
    if content is None or isinstance(content, str):
        return {"content": content or ""}
    if not isinstance(content, list):
        raise _invalid("message content must be a string or an array of parts")
    texts: List[str] = []
    images: List[str] = []
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            texts.append(str(part.get("text", "")))
        elif kind == "image_url":
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, dict) else image
            match = DATA_URL.match(url) if isinstance(url, str) else None
            if not match:
                raise _invalid("Ollama takes images as base64: send the image as a data:image/<type>;base64,... URL")
            images.append(match.group(1))
        else:
            raise _invalid(f"unsupported content part type {kind!r}")
    message: Dict[str, Any] = {"content": "".join(texts)}
    if images:
        message["images"] = images
    return message


def _tool_call(call: Any) -> Dict[str, Any]:
    function = call.get("function") if isinstance(call, dict) else None
    if not isinstance(function, dict) or not function.get("name"):
        raise _invalid("every tool call needs a function name")
    try:
        arguments = json.loads(function.get("arguments") or "{}")
    except ValueError:
        raise _invalid("tool call arguments must be a JSON text") from None
    return {"function": {"name": function["name"], "arguments": arguments}}


def to_ollama(request: Dict[str, Any]) -> Dict[str, Any]:
    messages: List[Dict[str, Any]] = []
    names: Dict[str, str] = {}  # tool call id -> function name (Ollama names tool results)
    for message in request["messages"]:
        role = message.get("role")
        if role in ("system", "developer"):
            messages.append({"role": "system", **_content(message.get("content"))})
        elif role == "user":
            messages.append({"role": "user", **_content(message.get("content"))})
        elif role == "assistant":
            turn: Dict[str, Any] = {"role": "assistant", **_content(message.get("content"))}
            calls = message.get("tool_calls") or []
            if calls:
                turn["tool_calls"] = [_tool_call(call) for call in calls]
                names.update({str(call.get("id")): call["function"]["name"] for call in calls})
            messages.append(turn)
        elif role == "tool":
            call_id = str(message.get("tool_call_id") or "")
            turn = {"role": "tool", **_content(message.get("content")), "tool_call_id": call_id}
            if call_id in names:
                turn["tool_name"] = names[call_id]
            messages.append(turn)
        else:
            raise _invalid(f"unsupported message role {role!r}")
    body: Dict[str, Any] = {"model": request["model"], "messages": messages}
    options: Dict[str, Any] = {}
    for ours, theirs in (("temperature", "temperature"), ("top_p", "top_p"), ("seed", "seed")):
        if request.get(ours) is not None:
            options[theirs] = request[ours]
    max_tokens = request.get("max_completion_tokens") or request.get("max_tokens")
    if max_tokens:
        options["num_predict"] = max_tokens
    stop = request.get("stop")
    if stop:
        options["stop"] = [stop] if isinstance(stop, str) else list(stop)
    if options:
        body["options"] = options
    # Ollama has no tool_choice: "none" means sending no tools at all.
    if request.get("tools") and request.get("tool_choice") != "none":
        body["tools"] = request["tools"]
    return body


# -- answer: Ollama -> OpenAI style -------------------------------------------------------


def _int(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def usage_of(data: Dict[str, Any]) -> Dict[str, int]:
    prompt, completion = _int(data.get("prompt_eval_count")), _int(data.get("eval_count"))
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def finish_reason(data: Dict[str, Any], has_calls: bool) -> str:
    if data.get("done_reason") == "length":
        return "length"
    return "tool_calls" if has_calls else "stop"


def tool_calls_of(message: Dict[str, Any], offset: int = 0) -> List[Dict[str, Any]]:
    calls = []
    for index, call in enumerate(message.get("tool_calls") or [], start=offset):
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict):
            continue
        arguments = function.get("arguments")
        calls.append({
            "id": str(call.get("id") or f"call_{index}_{function.get('name')}"),
            "type": "function",
            "function": {"name": str(function.get("name")), "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments or {})},
        })
    return calls


def from_response(data: Any, request: Dict[str, Any]) -> Dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("message"), dict):
        raise PluginError("internal_error", "the provider's answer is not a valid chat response")
    text = data["message"].get("content")
    calls = tool_calls_of(data["message"])
    message: Dict[str, Any] = {"role": "assistant", "content": text if isinstance(text, str) and (text or not calls) else None}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(data.get("model") or request.get("model") or ""),
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason(data, bool(calls))}],
        "usage": usage_of(data),
    }


# -- errors -------------------------------------------------------------------------------

STATUS_CODES = {401: "authentication_failed", 403: "authentication_failed", 404: "model_not_found", 408: "timeout", 504: "timeout"}


def error_from_response(response: requests.Response) -> PluginError:
    status = response.status_code
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    upstream_message = provider_quote(error) if error else ""
    message = f"the provider answered {status}" + (f": {upstream_message}" if upstream_message else "")
    details: Dict[str, Any] = {"upstream_status": status}
    if status == 429:
        seconds = retry_after_seconds(response.headers.get("Retry-After"))
        return PluginError("rate_limit_exceeded", message, details={**details, "retry_after": seconds}, headers={"Retry-After": str(seconds)})
    if status in STATUS_CODES:
        return PluginError(STATUS_CODES[status], message, details=details)
    if status >= 500:
        # 503 is Ollama's full queue ("server busy"): come back later.
        return PluginError("provider_unavailable", message, status=503 if status == 503 else 502, details=details)
    return PluginError("invalid_request", message, details=details)


# -- streaming: Ollama NDJSON -> OpenAI chunks --------------------------------------------


def _translate_stream(response: requests.Response, request: Dict[str, Any], timeout: int) -> Iterator[bytes]:
    """Ollama's NDJSON lines in, OpenAI-style chunks out (transport.py keeps the protocol's
    rules); the `done` line carries the finish reason and usage."""
    chunk_id, created, model = f"chatcmpl-{uuid.uuid4().hex}", int(time.time()), str(request.get("model") or "")
    calls = 0

    def chunk(delta: Dict[str, Any], finish: Optional[str] = None, usage: Optional[Dict[str, int]] = None) -> bytes:
        out: Dict[str, Any] = {"id": chunk_id, "object": "chat.completion.chunk", "created": created, "model": model,
                               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        if usage is not None:
            out["usage"] = usage
        return _event(out)

    def translate(data: Dict[str, Any]) -> Tuple[List[bytes], bool]:
        nonlocal calls
        if data.get("error"):
            # The model runner failed after the answer started: worth a retry.
            raise PluginError("provider_unavailable", provider_reported("provider_unavailable", provider_quote(data["error"])))
        message = data.get("message") if isinstance(data.get("message"), dict) else {}
        out = [chunk({"content": str(message["content"])})] if message.get("content") else []
        for call in tool_calls_of(message, calls):
            out.append(chunk({"tool_calls": [{"index": calls, **call}]}))
            calls += 1
        if data.get("done"):
            out.append(chunk({}, finish_reason(data, calls > 0), usage_of(data)))
        return out, bool(data.get("done"))

    def ended() -> List[bytes]:
        raise PluginError("provider_unavailable", "the provider ended the stream before the answer was finished (no done line); retrying may work")

    yield chunk({"role": "assistant", "content": ""})
    yield from relay_stream(response, timeout, translate, ended, ndjson=True)
