"""The Azure OpenAI wire, laid over the openai adapter (its other files are openai's):
an Azure OpenAI resource
(`POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=...`).

Azure speaks OpenAI's chat body and stream, so requests pass through; what differs is the URL (a chat request's `model` names the deployment), the
`api-key` header, the required `api-version`, the model list (the configured
deployments: Azure's data-plane `/openai/models` lists base models, not what this
resource can serve), the filter-only first stream chunk, and Azure's error codes
(`DeploymentNotFound`, `content_filter`, ...). The routes never see a raw upstream response.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping
from urllib.parse import quote

import requests

from .errors import PluginError, provider_quote, retry_after_seconds
from .settings import Config


class Wire:
    def __init__(self, config: Config) -> None:
        self.api_version = config["api_version"]
        self.deployments = [name.strip() for name in config["deployment"].split(",") if name.strip()]

    def base_url(self, endpoint: str) -> str:
        return endpoint + "/openai"

    def auth_headers(self, api_key: str) -> Dict[str, str]:
        return {"api-key": api_key}

    def chat_path(self, request: Dict[str, Any]) -> str:
        return f"/deployments/{quote(str(request['model']), safe='')}/chat/completions?api-version={quote(self.api_version)}"

    def keep_chunk(self, chunk: Dict[str, Any]) -> bool:
        # Azure's first chunk often carries only prompt_filter_results: nothing to pass on.
        return bool(chunk["choices"]) or "usage" in chunk

    def list_models(self, get_json: Callable[[str], Any]) -> List[Dict[str, Any]]:
        # A deployment is what a chat request can name; Azure's data plane cannot list them.
        return [{"id": name, "name": name, "capabilities": {"streaming": True}} for name in self.deployments]


# -- errors ------------------------------------------------------------------------------

CONTENT_FILTER_CODES = ("content_filter", "ResponsibleAIPolicyViolation")
# A "retry after" this long is a spent quota, not a rate limit worth waiting for.
QUOTA_WAIT_SECONDS = 3600


def error_from_response(response: requests.Response) -> PluginError:
    """Maps an Azure non-200 answer to the Loom error table."""
    try:
        error = response.json().get("error", {})
    except (ValueError, AttributeError):
        error = {}
    return error_from_body(response.status_code, error, response.headers)


def error_from_body(status: int, error: Any, headers: Mapping[str, str]) -> PluginError:
    """An error answer's status and `error` member (and its headers) as a Loom error."""
    codes, upstream_message = [], ""
    if isinstance(error, dict):
        inner = error.get("innererror") or error.get("inner_error") or {}
        codes = [str(error.get("code") or ""), str(inner.get("code") or "") if isinstance(inner, dict) else ""]
        upstream_message = provider_quote(error.get("message") or "")
    message = f"the provider answered {status}" + (f" {codes[0]}" if codes and codes[0] else "") + (f": {upstream_message}" if upstream_message else "")
    details = {"upstream_status": status}
    if any(code in CONTENT_FILTER_CODES for code in codes):
        return PluginError("content_filter", message, details=details)
    if status in (401, 403):
        return PluginError("authentication_failed", message, details=details)
    if status == 402:
        return PluginError("quota_exceeded", message, details=details)
    if status == 404:
        return PluginError("model_not_found", message, details=details)
    if status == 429:
        retry_after = retry_after_seconds(headers.get("Retry-After"), headers.get("retry-after-ms"))
        if retry_after >= QUOTA_WAIT_SECONDS:
            return PluginError("quota_exceeded", message, details={**details, "retry_after": retry_after})
        return PluginError("rate_limit_exceeded", message, details={**details, "retry_after": retry_after}, headers={"Retry-After": str(retry_after)})
    if status in (408, 504):
        return PluginError("timeout", message, details=details)
    if status >= 500:
        return PluginError("provider_unavailable", message, status=503 if status == 503 else 502, details=details)
    return PluginError("invalid_request", message, details=details)
