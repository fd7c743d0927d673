"""The upstream provider: the Gemini API (Generative Language v1beta).

This is the adapter: it maps Loom's OpenAI-style chat request to a GenerateContent
request (roles user/model, the system prompt as `systemInstruction`, settings in
`generationConfig`, images as `inlineData`, tools as `functionDeclarations`, tool
results as `functionResponse` parts), maps the answer back (text, `tool_calls`,
`finish_reason`, usage that adds up), turns the `alt=sse` stream into OpenAI-style chunks
ending in `[DONE]`, and maps every Gemini error to Loom's codes. The routes never see a
raw upstream response.
"""
from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import quote

import requests

from .errors import PluginError, provider_quote, provider_reported
from .settings import Config
from .transport import Transport, read_json as _json, relay_stream, sse_event as _event

API_VERSION = "v1beta"
# Enough pages for any real model list, bounded against a loop.
MAX_MODEL_PAGES = 20


class Upstream:
    def __init__(self, config: Config) -> None:
        self.base = config["endpoint"].rstrip("/") + "/" + API_VERSION
        self.timeout = config["timeout"]
        self.transport = Transport(self.base, self.timeout, {"x-goog-api-key": config["api_key"]}, error_from_response)
        self._send = self.transport.send

    def close(self) -> None:
        self.transport.close()

    def list_models(self) -> List[Dict[str, Any]]:
        models: List[Dict[str, Any]] = []
        seen = set()
        token: Optional[str] = None
        for _ in range(MAX_MODEL_PAGES):
            page = _json(self._send("GET", "/models?pageSize=1000" + (f"&pageToken={quote(token)}" if token else "")))
            items = page.get("models") if isinstance(page, dict) else None
            if not isinstance(items, list):
                raise PluginError("internal_error", "the provider's model list is not a list")
            for item in items:
                name = item.get("name") if isinstance(item, dict) else None
                methods = item.get("supportedGenerationMethods") if isinstance(item, dict) else None
                # Embedding-only models cannot chat: list what generateContent serves.
                if not isinstance(name, str) or (isinstance(methods, list) and "generateContent" not in methods):
                    continue
                model_id = name.split("/", 1)[1] if name.startswith("models/") else name
                if model_id and model_id not in seen:
                    seen.add(model_id)
                    models.append(_model(item, model_id))
            token = page.get("nextPageToken")
            if not isinstance(token, str) or not token:
                break
        return models

    def chat(self, request: Dict[str, Any]) -> Dict[str, Any]:
        path = f"/models/{_model_path(request)}:generateContent"
        return from_response(_json(self._send("POST", path, to_gemini(request))), request)

    def chat_stream(self, request: Dict[str, Any]) -> Iterator[bytes]:
        """Opens the stream now (so an upstream error is still an ordinary JSON error),
        then returns an iterator of OpenAI-style SSE events made from Gemini's chunks."""
        path = f"/models/{_model_path(request)}:streamGenerateContent?alt=sse"
        response = self._send("POST", path, to_gemini(request), stream=True)
        return _translate_stream(response, request, self.timeout)


def _model(item: Dict[str, Any], model_id: str) -> Dict[str, Any]:
    methods = item.get("supportedGenerationMethods")
    # Gemini chat models take images and tools; streaming is a method of its own.
    streams = not isinstance(methods, list) or "streamGenerateContent" in methods
    model: Dict[str, Any] = {"id": model_id, "name": str(item.get("displayName") or model_id),
                             "capabilities": {"streaming": streams, "function_calling": True, "vision": True}}
    if isinstance(item.get("description"), str) and item["description"]:
        model["description"] = item["description"]
    for theirs, ours in (("inputTokenLimit", "context_window"), ("outputTokenLimit", "max_output_tokens")):
        if isinstance(item.get(theirs), int) and not isinstance(item.get(theirs), bool):
            model[ours] = item[theirs]
    return model


def _model_path(request: Dict[str, Any]) -> str:
    model = str(request["model"])
    return quote(model[len("models/"):] if model.startswith("models/") else model, safe="")


# -- request: OpenAI style -> Gemini ------------------------------------------------------


def _invalid(message: str) -> PluginError:
    return PluginError("invalid_request", message)


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


DATA_URL = re.compile(r"^data:(image/[\w.+-]+);base64,(.*)$", re.S)


def _parts(content: Any) -> List[Dict[str, Any]]:
    if content is None:
        return []
    if isinstance(content, str):
        return [{"text": content}] if content else []
    if not isinstance(content, list):
        raise _invalid("message content must be a string or an array of parts")
    parts = []
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            parts.append({"text": str(part.get("text", ""))})
        elif kind == "image_url":
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, dict) else image
            match = DATA_URL.match(url) if isinstance(url, str) else None
            if not match:
                raise _invalid("Gemini takes images inline: send the image as a data:image/<type>;base64,... URL")
            parts.append({"inlineData": {"mimeType": match.group(1), "data": match.group(2)}})
        else:
            raise _invalid(f"unsupported content part type {kind!r}")
    return parts


def _arguments(call: Any) -> Tuple[str, Dict[str, Any]]:
    function = call.get("function") if isinstance(call, dict) else None
    if not isinstance(function, dict) or not function.get("name"):
        raise _invalid("every tool call needs a function name")
    try:
        arguments = json.loads(function.get("arguments") or "{}")
    except ValueError:
        raise _invalid("tool call arguments must be a JSON text") from None
    return function["name"], arguments if isinstance(arguments, dict) else {"value": arguments}


def _tool_config(choice: Any) -> Optional[Dict[str, Any]]:
    if choice is None:
        return None
    modes = {"auto": "AUTO", "none": "NONE", "required": "ANY"}
    if isinstance(choice, str) and choice in modes:
        return {"functionCallingConfig": {"mode": modes[choice]}}
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        return {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": [choice["function"].get("name")]}}
    raise _invalid("tool_choice must be auto, none, required or a named function")


def to_gemini(request: Dict[str, Any]) -> Dict[str, Any]:
    system: List[Dict[str, Any]] = []
    contents: List[Dict[str, Any]] = []
    names: Dict[str, str] = {}  # tool call id -> function name (functionResponse needs the name)

    def add(role: str, parts: List[Dict[str, Any]]) -> None:
        if contents and contents[-1]["role"] == role:
            contents[-1]["parts"].extend(parts)  # one turn per role in a row
        else:
            contents.append({"role": role, "parts": parts})

    for message in request["messages"]:
        role = message.get("role")
        if role in ("system", "developer"):
            system.append({"text": _text_of(message.get("content"))})
        elif role == "user":
            add("user", _parts(message.get("content")))
        elif role == "assistant":
            parts = _parts(message.get("content"))
            for call in message.get("tool_calls") or []:
                name, arguments = _arguments(call)
                names[str(call.get("id"))] = name
                parts.append({"functionCall": {"name": name, "args": arguments}})
            add("model", parts)
        elif role == "tool":
            call_id = str(message.get("tool_call_id") or "")
            name = names.get(call_id) or str(message.get("name") or call_id)
            add("user", [{"functionResponse": {"name": name, "response": {"content": _text_of(message.get("content"))}}}])
        else:
            raise _invalid(f"unsupported message role {role!r}")
    body: Dict[str, Any] = {"contents": contents}
    if system:
        body["systemInstruction"] = {"parts": system}
    config: Dict[str, Any] = {}
    for ours, theirs in (("temperature", "temperature"), ("top_p", "topP")):
        if request.get(ours) is not None:
            config[theirs] = request[ours]
    max_tokens = request.get("max_completion_tokens") or request.get("max_tokens")
    if max_tokens:
        config["maxOutputTokens"] = max_tokens
    stop = request.get("stop")
    if stop:
        config["stopSequences"] = [stop] if isinstance(stop, str) else list(stop)
    if config:
        body["generationConfig"] = config
    tools = [t["function"] for t in request.get("tools") or [] if isinstance(t, dict) and isinstance(t.get("function"), dict)]
    if tools:
        declarations = []
        for function in tools:
            declaration = {"name": function.get("name"), "description": function.get("description", "")}
            if function.get("parameters"):
                declaration["parameters"] = function["parameters"]
            declarations.append(declaration)
        body["tools"] = [{"functionDeclarations": declarations}]
        tool_config = _tool_config(request.get("tool_choice"))
        if tool_config:
            body["toolConfig"] = tool_config
    return body


# -- answer: Gemini -> OpenAI style -------------------------------------------------------

SAFETY_REASONS = {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION"}


def finish_reason(reason: Any, has_calls: bool) -> str:
    if reason == "MAX_TOKENS":
        return "length"
    if reason in SAFETY_REASONS:
        return "content_filter"
    return "tool_calls" if has_calls else "stop"


def _int(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def usage_of(usage: Any) -> Dict[str, int]:
    usage = usage if isinstance(usage, dict) else {}
    prompt = _int(usage.get("promptTokenCount"))
    # Thinking tokens are generated (and billed) output too.
    completion = _int(usage.get("candidatesTokenCount")) + _int(usage.get("thoughtsTokenCount"))
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _blocked(data: Dict[str, Any]) -> Optional[PluginError]:
    feedback = data.get("promptFeedback")
    reason = feedback.get("blockReason") if isinstance(feedback, dict) else None
    if reason and not data.get("candidates"):
        return PluginError("content_filter", f"the provider blocked the prompt: {reason}")
    return None


def _candidate(data: Any) -> Tuple[str, List[Dict[str, Any]], Any]:
    """Text, function calls and finish reason of the first candidate."""
    if not isinstance(data, dict):
        raise PluginError("internal_error", "the provider's answer is not a valid GenerateContentResponse")
    candidates = data.get("candidates")
    if not isinstance(candidates, list) or not candidates or not isinstance(candidates[0], dict):
        if "usageMetadata" in data:
            return "", [], None  # a chunk with usage only
        raise PluginError("internal_error", "the provider's answer is not a valid GenerateContentResponse")
    content = candidates[0].get("content") or {}
    parts = content.get("parts") if isinstance(content, dict) else None
    parts = parts if isinstance(parts, list) else []
    text = "".join(p["text"] for p in parts if isinstance(p, dict) and isinstance(p.get("text"), str) and not p.get("thought"))
    calls = [p["functionCall"] for p in parts if isinstance(p, dict) and isinstance(p.get("functionCall"), dict)]
    return text, calls, candidates[0].get("finishReason")


def _tool_call(call: Dict[str, Any], index: int) -> Dict[str, Any]:
    # Gemini names calls but gives no id; a stable one per position lets clients answer.
    call_id = str(call.get("id") or f"call_{index}_{call.get('name')}")
    return {"id": call_id, "type": "function", "function": {"name": str(call.get("name")), "arguments": json.dumps(call.get("args") or {})}}


def from_response(data: Any, request: Dict[str, Any]) -> Dict[str, Any]:
    blocked = _blocked(data) if isinstance(data, dict) else None
    if blocked:
        raise blocked
    text, calls, reason = _candidate(data)
    message: Dict[str, Any] = {"role": "assistant", "content": text if text or not calls else None}
    if calls:
        message["tool_calls"] = [_tool_call(call, i) for i, call in enumerate(calls)]
    return {
        "id": str(data.get("responseId") or f"chatcmpl-{uuid.uuid4().hex}"),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(data.get("modelVersion") or request.get("model") or ""),
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason(reason, bool(calls))}],
        "usage": usage_of(data.get("usageMetadata")),
    }


# -- errors -------------------------------------------------------------------------------

STATUS_CODES = {401: "authentication_failed", 403: "authentication_failed", 404: "model_not_found", 408: "timeout", 504: "timeout"}


def _detail(details: Any, kind: str) -> Dict[str, Any]:
    for detail in details if isinstance(details, list) else []:
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith(kind):
            return detail
    return {}


def loom_error(status: int, error: Dict[str, Any], retry_header: Optional[str] = None) -> PluginError:
    rpc = str(error.get("status") or "")
    upstream_message = provider_quote(error.get("message") or "")
    details = error.get("details")
    message = f"the provider answered {status}" + (f" {rpc}" if rpc else "") + (f": {upstream_message}" if upstream_message else "")
    extra: Dict[str, Any] = {"upstream_status": status}
    if status == 400 and _detail(details, "ErrorInfo").get("reason") == "API_KEY_INVALID":
        return PluginError("authentication_failed", message, details=extra)
    if status == 400 and rpc == "FAILED_PRECONDITION":
        return PluginError("quota_exceeded", message, details=extra)  # billing or region
    if status == 429:
        retry = _detail(details, "RetryInfo")
        violations = _detail(details, "QuotaFailure").get("violations") or []
        quota_ids = " ".join(str(v.get("quotaId", "")) for v in violations if isinstance(v, dict))
        if "PerDay" in quota_ids or (not retry and "exceeded your current quota" in upstream_message):
            return PluginError("quota_exceeded", message, details=extra)  # waiting minutes will not help
        seconds = _retry_seconds(retry.get("retryDelay"), retry_header)
        return PluginError("rate_limit_exceeded", message, details={**extra, "retry_after": seconds}, headers={"Retry-After": str(seconds)})
    if status in STATUS_CODES:
        return PluginError(STATUS_CODES[status], message, details=extra)
    if status >= 500:
        return PluginError("provider_unavailable", message, status=503 if status == 503 else 502, details=extra)
    return PluginError("invalid_request", message, details=extra)


def error_from_response(response: requests.Response) -> PluginError:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    return loom_error(response.status_code, error if isinstance(error, dict) else {}, response.headers.get("Retry-After"))


def _retry_seconds(delay: Any, header: Optional[str]) -> int:
    """Seconds to wait: RetryInfo's "58s" or "1.5s", else Retry-After, else 1."""
    for value in (delay, header):
        if isinstance(value, str):
            try:
                return max(0, int(float(value.rstrip("s"))))
            except ValueError:
                continue
    return 1


# -- streaming: Gemini chunks -> OpenAI chunks --------------------------------------------


class _StreamState:
    def __init__(self, request: Dict[str, Any]) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.model = str(request.get("model") or "")
        self.created = int(time.time())
        self.usage: Any = {}
        self.finish: Optional[str] = None
        self.calls = 0
        self.started = False

    def chunk(self, delta: Dict[str, Any], finish: Optional[str] = None, usage: Optional[Dict[str, int]] = None) -> bytes:
        chunk: Dict[str, Any] = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
                                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        if usage is not None:
            chunk["usage"] = usage
        return _event(chunk)

    def translate(self, data: Dict[str, Any]) -> List[bytes]:
        if isinstance(data.get("error"), dict):
            raise _stream_error(data["error"])
        blocked = _blocked(data)
        if blocked:
            raise blocked
        text, calls, reason = _candidate(data)
        self.id = str(data.get("responseId") or self.id)
        if data.get("usageMetadata"):
            self.usage = data["usageMetadata"]  # each chunk repeats the running totals
        out = []
        if not self.started:
            self.started = True
            out.append(self.chunk({"role": "assistant", "content": ""}))
        if text:
            out.append(self.chunk({"content": text}))
        for call in calls:
            out.append(self.chunk({"tool_calls": [{"index": self.calls, **_tool_call(call, self.calls)}]}))
            self.calls += 1
        if reason:
            self.finish = finish_reason(reason, self.calls > 0)
        return out


def _stream_error(error: Dict[str, Any]) -> PluginError:
    """An error Gemini reports inside the stream: mapped like an HTTP error, told like the
    other stream failures, with what the provider said."""
    code = error.get("code")
    failure = loom_error(code if isinstance(code, int) else 502, error)
    said = ": ".join(part for part in (str(error.get("status") or ""), provider_quote(error.get("message") or "")) if part)
    failure.message = provider_reported(failure.code, said)
    return failure


def _translate_stream(response: requests.Response, request: Dict[str, Any], timeout: int) -> Iterator[bytes]:
    """Gemini's `data:` chunks in, OpenAI-style chunks out (transport.py keeps the
    protocol's rules); Gemini ends by closing the stream, so the last chunk with the finish
    reason and usage is sent then."""
    state = _StreamState(request)

    def ended() -> List[bytes]:
        if state.finish is None:
            raise PluginError("provider_unavailable", "the provider ended the stream before the answer was finished (no finishReason); retrying may work")
        return [state.chunk({}, state.finish, usage_of(state.usage))]

    return relay_stream(response, timeout, lambda data: (state.translate(data), False), ended)
