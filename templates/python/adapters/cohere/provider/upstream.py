"""The upstream provider: Cohere's v2 Chat API (`POST /v2/chat`, `GET /v1/models`).

This is the adapter: it maps Loom's OpenAI-style chat request to a Cohere request (one
system message first, `p` for top_p, `stop_sequences`, `tool_choice` REQUIRED/NONE),
maps the answer back (text from content blocks, `tool_calls`, `finish_reason`, usage
from `usage.tokens`), turns Cohere's typed stream events into OpenAI-style chunks ending
in `[DONE]`, and maps every Cohere error to Loom's codes. The routes never see a raw
upstream response.
"""
from __future__ import annotations

import json
import time
import uuid
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import quote

import requests

from .errors import PluginError, provider_quote, provider_reported, retry_after_seconds
from .settings import Config
from .transport import Transport, read_json as _json, relay_stream, sse_event as _event

# Enough pages for any real model list, bounded against a loop.
MAX_MODEL_PAGES = 20


class Upstream:
    def __init__(self, config: Config) -> None:
        self.base = config["endpoint"].rstrip("/")
        self.timeout = config["timeout"]
        self.transport = Transport(self.base, self.timeout, {"Authorization": f"Bearer {config['api_key']}"}, error_from_response)
        self._send = self.transport.send

    def close(self) -> None:
        self.transport.close()

    def list_models(self) -> List[Dict[str, Any]]:
        models: List[Dict[str, Any]] = []
        seen = set()
        token: Optional[str] = None
        for _ in range(MAX_MODEL_PAGES):
            query = "?endpoint=chat&page_size=1000" + (f"&page_token={quote(token)}" if token else "")
            page = _json(self._send("GET", "/v1/models" + query))
            items = page.get("models") if isinstance(page, dict) else None
            if not isinstance(items, list):
                raise PluginError("internal_error", "the provider's model list is not a list")
            for item in items:
                name = item.get("name") if isinstance(item, dict) else None
                if isinstance(name, str) and name and name not in seen:
                    seen.add(name)
                    models.append(_model(item, name))
            token = page.get("next_page_token")
            if not isinstance(token, str) or not token:
                break
        return models

    def chat(self, request: Dict[str, Any]) -> Dict[str, Any]:
        return from_response(_json(self._send("POST", "/v2/chat", to_cohere(request))), request)

    def chat_stream(self, request: Dict[str, Any]) -> Iterator[bytes]:
        """Opens the stream now (so an upstream error is still an ordinary JSON error),
        then returns an iterator of OpenAI-style SSE events made from Cohere's."""
        body = to_cohere(request)
        body["stream"] = True
        return _translate_stream(self._send("POST", "/v2/chat", body, stream=True), request, self.timeout)


def _model(item: Dict[str, Any], name: str) -> Dict[str, Any]:
    features = item.get("features") if isinstance(item.get("features"), list) else []
    model: Dict[str, Any] = {"id": name, "name": name, "capabilities": {
        "streaming": True, "function_calling": "tools" in features or "strict_tools" in features, "vision": "vision" in features}}
    if isinstance(item.get("context_length"), (int, float)) and not isinstance(item.get("context_length"), bool):
        model["context_window"] = int(item["context_length"])
    return model


# -- request: OpenAI style -> Cohere ------------------------------------------------------


def _invalid(message: str) -> PluginError:
    return PluginError("invalid_request", message)


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def _content(content: Any) -> Any:
    if content is None or isinstance(content, str):
        return content or ""
    if not isinstance(content, list):
        raise _invalid("message content must be a string or an array of parts")
    parts = []
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            parts.append({"type": "text", "text": str(part.get("text", ""))})
        elif kind == "image_url":
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, dict) else image
            if not isinstance(url, str) or not url:
                raise _invalid("an image_url part needs a url")
            parts.append({"type": "image_url", "image_url": {"url": url}})
        else:
            raise _invalid(f"unsupported content part type {kind!r}")
    return parts


def _tool_calls(calls: Any) -> List[Dict[str, Any]]:
    out = []
    for call in calls if isinstance(calls, list) else []:
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict) or not function.get("name"):
            raise _invalid("every tool call needs a function name")
        arguments = function.get("arguments")
        out.append({"id": str(call.get("id") or ""), "type": "function",
                    "function": {"name": function["name"], "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments or {})}})
    return out


def _tools(request: Dict[str, Any]) -> Tuple[List[Dict[str, Any]], Optional[str]]:
    """Cohere's tool_choice is REQUIRED or NONE; a named tool becomes REQUIRED over just it."""
    tools = [t for t in request.get("tools") or [] if isinstance(t, dict) and isinstance(t.get("function"), dict)]
    choice = request.get("tool_choice")
    if choice in (None, "auto"):
        return tools, None
    if choice == "none":
        return tools, "NONE"
    if choice == "required":
        return tools, "REQUIRED"
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        return [t for t in tools if t["function"].get("name") == choice["function"].get("name")], "REQUIRED"
    raise _invalid("tool_choice must be auto, none, required or a named function")


def to_cohere(request: Dict[str, Any]) -> Dict[str, Any]:
    system: List[str] = []
    messages: List[Dict[str, Any]] = []
    for message in request["messages"]:
        role = message.get("role")
        if role in ("system", "developer"):
            system.append(_text_of(message.get("content")))
        elif role == "user":
            messages.append({"role": "user", "content": _content(message.get("content"))})
        elif role == "assistant":
            turn: Dict[str, Any] = {"role": "assistant"}
            calls = _tool_calls(message.get("tool_calls"))
            text = _text_of(message.get("content"))
            if text or not calls:
                turn["content"] = text
            if calls:
                turn["tool_calls"] = calls
            messages.append(turn)
        elif role == "tool":
            messages.append({"role": "tool", "tool_call_id": str(message.get("tool_call_id") or ""), "content": _text_of(message.get("content"))})
        else:
            raise _invalid(f"unsupported message role {role!r}")
    if system:
        # Cohere: "system turn must be the first in the list".
        messages.insert(0, {"role": "system", "content": "\n\n".join(system)})
    body: Dict[str, Any] = {"model": request["model"], "messages": messages}
    for ours, theirs in (("temperature", "temperature"), ("top_p", "p"), ("seed", "seed"), ("frequency_penalty", "frequency_penalty"), ("presence_penalty", "presence_penalty")):
        if request.get(ours) is not None:
            body[theirs] = request[ours]
    max_tokens = request.get("max_completion_tokens") or request.get("max_tokens")
    if max_tokens:
        body["max_tokens"] = max_tokens
    stop = request.get("stop")
    if stop:
        body["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
    tools, choice = _tools(request)
    if tools:
        body["tools"] = tools
        if choice:
            body["tool_choice"] = choice
    return body


# -- answer: Cohere -> OpenAI style -------------------------------------------------------

FINISH_REASONS = {"COMPLETE": "stop", "STOP_SEQUENCE": "stop", "MAX_TOKENS": "length", "TOOL_CALL": "tool_calls"}


def _int(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def usage_of(usage: Any) -> Dict[str, int]:
    usage = usage if isinstance(usage, dict) else {}
    # `tokens` are what the model saw; `billed_units` is for billing (a fallback).
    tokens = usage.get("tokens") if isinstance(usage.get("tokens"), dict) else usage.get("billed_units") or {}
    prompt, completion = _int(tokens.get("input_tokens")), _int(tokens.get("output_tokens"))
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def failed_finish(reason: Any, detail: Any = None, streaming: bool = False) -> Optional[PluginError]:
    """Cohere's ERROR and TIMEOUT finish reasons are failures, not answers; both are told
    like the other failures the provider reports, with its own words when it sent any."""
    failures = {"ERROR": ("provider_unavailable", "an error"), "TIMEOUT": ("timeout", "a timeout")}
    if reason not in failures:
        return None
    code, what = failures[reason]
    doing = "streaming" if streaming else "generating"
    return PluginError(code, provider_reported(code, provider_quote(detail) if detail else "", what, doing))


def from_response(data: Any, request: Dict[str, Any]) -> Dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("message"), dict):
        raise PluginError("internal_error", "the provider's answer is not a valid chat response")
    failure = failed_finish(data.get("finish_reason"))
    if failure:
        raise failure
    answer = data["message"]
    text = _text_of(answer.get("content"))
    calls = _tool_calls(answer.get("tool_calls"))
    message: Dict[str, Any] = {"role": "assistant", "content": text if text or not calls else None}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": str(data.get("id") or f"chatcmpl-{uuid.uuid4().hex}"),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(request.get("model") or ""),
        "choices": [{"index": 0, "message": message, "finish_reason": FINISH_REASONS.get(str(data.get("finish_reason")), "stop")}],
        "usage": usage_of(data.get("usage")),
    }


# -- errors -------------------------------------------------------------------------------

STATUS_CODES = {401: "authentication_failed", 403: "authentication_failed", 498: "authentication_failed", 402: "quota_exceeded",
                404: "model_not_found", 408: "timeout", 504: "timeout"}


def error_from_response(response: requests.Response) -> PluginError:
    status = response.status_code
    try:
        upstream_message = provider_quote(response.json().get("message") or "")
    except (ValueError, AttributeError):
        upstream_message = ""
    message = f"the provider answered {status}" + (f": {upstream_message}" if upstream_message else "")
    details: Dict[str, Any] = {"upstream_status": status}
    if status == 429:
        seconds = retry_after_seconds(response.headers.get("Retry-After"))
        return PluginError("rate_limit_exceeded", message, details={**details, "retry_after": seconds}, headers={"Retry-After": str(seconds)})
    if status in STATUS_CODES:
        return PluginError(STATUS_CODES[status], message, details=details)
    if status >= 500 and status != 501:  # 501: a feature the model does not have, not an outage
        return PluginError("provider_unavailable", message, status=503 if status == 503 else 502, details=details)
    return PluginError("invalid_request", message, details=details)


# -- streaming: Cohere events -> OpenAI chunks --------------------------------------------


class _StreamState:
    def __init__(self, request: Dict[str, Any]) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.model = str(request.get("model") or "")
        self.created = int(time.time())
        self.calls: Dict[int, int] = {}  # Cohere tool call index -> OpenAI index

    def chunk(self, delta: Dict[str, Any], finish: Optional[str] = None, usage: Optional[Dict[str, int]] = None) -> bytes:
        chunk: Dict[str, Any] = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
                                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        if usage is not None:
            chunk["usage"] = usage
        return _event(chunk)

    def translate(self, data: Dict[str, Any]) -> Tuple[List[bytes], bool]:
        kind = data.get("type")
        delta = data.get("delta") if isinstance(data.get("delta"), dict) else {}
        message = delta.get("message") if isinstance(delta.get("message"), dict) else {}
        if kind == "message-start":
            self.id = str(data.get("id") or self.id)
            return [self.chunk({"role": "assistant", "content": ""})], False
        if kind == "content-delta":
            content = message.get("content") if isinstance(message.get("content"), dict) else {}
            return ([self.chunk({"content": str(content["text"])})] if content.get("text") else []), False
        if kind == "tool-call-start":
            call = message.get("tool_calls") if isinstance(message.get("tool_calls"), dict) else {}
            function = call.get("function") if isinstance(call.get("function"), dict) else {}
            index = self.calls.setdefault(_int(data.get("index")), len(self.calls))
            out = {"index": index, "id": call.get("id"), "type": "function", "function": {"name": function.get("name"), "arguments": str(function.get("arguments") or "")}}
            return [self.chunk({"tool_calls": [out]})], False
        if kind == "tool-call-delta":
            call = message.get("tool_calls") if isinstance(message.get("tool_calls"), dict) else {}
            function = call.get("function") if isinstance(call.get("function"), dict) else {}
            index = self.calls.get(_int(data.get("index")), 0)
            return [self.chunk({"tool_calls": [{"index": index, "function": {"arguments": str(function.get("arguments") or "")}}]})], False
        if kind == "message-end":
            failure = failed_finish(delta.get("finish_reason"), delta.get("error"), streaming=True)
            if failure:
                raise failure
            finish = FINISH_REASONS.get(str(delta.get("finish_reason")), "stop")
            return [self.chunk({}, finish, usage_of(delta.get("usage")))], True
        return [], False  # content-start/-end, tool-plan, citations, debug: nothing to pass on


def _translate_stream(response: requests.Response, request: Dict[str, Any], timeout: int) -> Iterator[bytes]:
    """Cohere's typed SSE events in, OpenAI-style chunks out (transport.py keeps the
    protocol's rules); a [DONE] may follow message-end."""

    def ended() -> List[bytes]:
        raise PluginError("provider_unavailable", "the provider ended the stream before the answer was finished (no message-end event); retrying may work")

    return relay_stream(response, timeout, _StreamState(request).translate, ended)
