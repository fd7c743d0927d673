"""The Loom error model: every non-200 answer is `{code, message, transient, details?}`.

The status and the transient flag follow from the code (the protocol's error table), so
the rest of the code only ever says *what* went wrong.
"""
from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from typing import Any, Dict, Optional

# code -> (HTTP status, transient)
ERROR_TABLE = {
    "invalid_request": (400, False),
    "authentication_failed": (401, False),
    "quota_exceeded": (402, False),
    "model_not_found": (404, False),
    "content_filter": (422, False),
    "rate_limit_exceeded": (429, True),
    "internal_error": (500, False),
    "provider_unavailable": (502, True),  # 503 when the upstream itself said 503
    "timeout": (504, True),
}

# Error messages quote the provider's own text, and a provider or proxy may echo the key
# back in it: every answer shows the configured key as KEY_MARKER instead. Shorter keys
# are left alone, so that a short value cannot blank common words.
KEY_MARKER = "[api_key]"
MIN_HIDDEN_KEY = 8
_hidden_key = ""


def hide_key_in_messages(key: Any) -> None:
    """Called by /initialize with the configured api_key (one config per plugin process)."""
    global _hidden_key
    _hidden_key = key if isinstance(key, str) and len(key) >= MIN_HIDDEN_KEY else ""


def without_key(text: str) -> str:
    return text.replace(_hidden_key, KEY_MARKER) if _hidden_key else text


class PluginError(Exception):
    """An error answer. Raise it anywhere in a request; app.py turns it into JSON."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: Optional[int] = None,
        details: Optional[Dict[str, Any]] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        super().__init__(message)
        default_status, transient = ERROR_TABLE[code]
        self.code = code
        self.message = message
        self.status = status or default_status
        self.transient = transient
        self.details = details
        self.headers = headers or {}

    def body(self) -> Dict[str, Any]:
        body: Dict[str, Any] = {"code": self.code, "message": without_key(self.message), "transient": self.transient}
        if self.details:
            body["details"] = self.details
        return body


def retry_after_seconds(header: Optional[str], milliseconds: Optional[str] = None) -> int:
    """Seconds a rate-limited upstream asks to wait: its retry-after-ms when it sends one,
    else Retry-After (seconds or an HTTP date), else 1."""
    try:
        if milliseconds:
            return max(0, -(-int(float(milliseconds)) // 1000))
    except ValueError:
        pass
    if not header:
        return 1
    try:
        return max(0, int(float(header)))
    except ValueError:
        pass
    try:
        return max(0, int(parsedate_to_datetime(header).timestamp() - time.time()))
    except (TypeError, ValueError):
        return 1
