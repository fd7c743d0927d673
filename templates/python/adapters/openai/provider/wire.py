"""What differs between OpenAI-compatible dialects. This is the plain OpenAI wire:
`{endpoint}/chat/completions` with a Bearer token, the upstream's `/models`, and its
error codes. An adapter that extends this one (Azure OpenAI) replaces this file and
keeps the rest."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping

import requests

from .errors import PluginError, provider_quote, retry_after_seconds
from .settings import Config


class Wire:
    def __init__(self, config: Config) -> None:
        pass  # plain OpenAI needs nothing beyond endpoint and api_key

    def base_url(self, endpoint: str) -> str:
        return endpoint

    def auth_headers(self, api_key: str) -> Dict[str, str]:
        return {"Authorization": f"Bearer {api_key}"}

    def chat_path(self, request: Dict[str, Any]) -> str:
        return "/chat/completions"

    def keep_chunk(self, chunk: Dict[str, Any]) -> bool:
        return True  # OpenAI sends no chunk to drop

    def list_models(self, get_json: Callable[[str], Any]) -> List[Dict[str, Any]]:
        """The upstream's OpenAI list as Loom's models."""
        data = get_json("/models")
        items = data.get("data") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise PluginError("internal_error", "the provider's model list is not a list")
        models = []
        seen = set()
        for item in items:
            model_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(model_id, str) or not model_id or model_id in seen:
                continue
            seen.add(model_id)
            models.append({"id": model_id, "name": str(item.get("name") or model_id)})
        return models


# -- errors ------------------------------------------------------------------------------

CONTENT_FILTER_CODES = ("content_filter", "content_policy_violation")


def error_from_response(response: requests.Response) -> PluginError:
    """Maps an upstream non-200 answer to the Loom error table."""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    error = payload.get("error", payload) if isinstance(payload, dict) else {}
    return error_from_body(response.status_code, error, response.headers)


def error_from_body(status: int, error: Any, headers: Mapping[str, str]) -> PluginError:
    """An error answer's status and `error` member (and its headers) as a Loom error."""
    upstream_code, upstream_message = "", ""
    if isinstance(error, dict):
        upstream_code = str(error.get("code") or error.get("type") or "")
        upstream_message = provider_quote(error.get("message") or "")
    elif isinstance(error, str):
        upstream_message = provider_quote(error)
    message = f"the provider answered {status}" + (f": {upstream_message}" if upstream_message else "")
    details = {"upstream_status": status}
    if status in (401, 403):
        return PluginError("authentication_failed", message, details=details)
    if status == 402 or upstream_code == "insufficient_quota":
        return PluginError("quota_exceeded", message, details=details)
    if status == 404:
        return PluginError("model_not_found", message, details=details)
    if status == 422 or upstream_code in CONTENT_FILTER_CODES:
        return PluginError("content_filter", message, details=details)
    if status == 429:
        retry_after = retry_after_seconds(headers.get("Retry-After"))
        return PluginError(
            "rate_limit_exceeded",
            message,
            details={**details, "retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )
    if status in (408, 504):
        return PluginError("timeout", message, details=details)
    if status == 503:
        return PluginError("provider_unavailable", message, status=503, details=details)
    if status >= 500:
        return PluginError("provider_unavailable", message, status=502, details=details)
    return PluginError("invalid_request", message, details=details)
