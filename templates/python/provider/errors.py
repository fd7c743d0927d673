"""The Loom error model: every non-200 answer is `{code, message, transient, details?}`.

The status and the transient flag follow from the code (the protocol's error table), so
the rest of the code only ever says *what* went wrong.
"""
from __future__ import annotations

import re
import time
from email.utils import parsedate_to_datetime
from typing import Any, Dict, List, Mapping, Optional, Tuple

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

# Error answers quote the provider's own text, and a provider or proxy may echo a secret
# back in it: the configured api_key, or another config field the manifest marks
# `sensitive: true`. Every string of every error answer, details included, shows it as
# `[<field>]` instead (`[api_key]`), found
# - as configured, so inside "Bearer <key>" or "x-api-key: <key>" too;
# - percent-encoded, as a URL or form quotes it (any characters encoded, hex digits in
#   either case, a space as "+"), or JSON-escaped ("\/", "\"", "\\", "\u002b");
# - cut short: any run of its first 8 or more characters, as a quote cut at 200
#   characters leaves it; provider_quote() hides secrets before it cuts, so its cut
#   cannot split an encoded copy either.
# Not found: other encodings (base64, as in a Basic auth header; HTML entities; escaped
# twice), fewer than its first 8 characters, and an encoded copy cut short by anything but
# provider_quote(). A secret shorter than 8 characters is left alone, so that a short
# value cannot blank common words.
MIN_SECRET = 8
QUOTE_LIMIT = 200  # how much of the provider's own text an error message quotes
_secrets: List[Tuple[str, str, re.Pattern[str]]] = []  # (value, marker, pattern), longest first


def hide_secrets(named: Mapping[str, Any]) -> None:
    """Called by /initialize with the configured secrets, field name -> value (one config
    per plugin process)."""
    global _secrets
    found = [(name, value) for name, value in named.items() if isinstance(value, str) and len(value) >= MIN_SECRET]
    found.sort(key=lambda item: -len(item[1]))
    _secrets = [(value, f"[{name}]", re.compile("".join(_char_pattern(char) for char in value))) for name, value in found]


def _char_pattern(char: str) -> str:
    """A character of a secret as it is, percent-encoded or JSON-escaped (ASCII letters and
    digits stay as they are)."""
    if char.isascii() and char.isalnum():
        return char

    def hex_digits(number: int, width: int) -> str:
        return "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in f"{number:0{width}x}")

    literal = re.escape(char)
    forms = [literal, "".join(f"%{hex_digits(byte, 2)}" for byte in char.encode())]
    if ord(char) <= 0xFFFF:
        forms.append(r"\\u" + hex_digits(ord(char), 4))
    if char in '/"\\':
        forms.append(r"\\" + literal)
    if char == " ":
        forms.append(r"\+")
    return f"(?:{'|'.join(forms)})"


def _without_start(text: str, value: str, marker: str) -> str:
    """`text` with every run of a secret's first MIN_SECRET or more characters as its marker."""
    start, out, done = value[:MIN_SECRET], [], 0
    at = text.find(start)
    while at != -1:
        end = at + MIN_SECRET
        while end < len(text) and end - at < len(value) and text[end] == value[end - at]:
            end += 1
        out += [text[done:at], marker]
        done = end
        at = text.find(start, done)
    return "".join(out) + text[done:]


def without_secrets(text: str) -> str:
    """`text` with the configured secrets as their markers."""
    for _value, marker, pattern in _secrets:
        text = pattern.sub(lambda _match, marker=marker: marker, text)
    for value, marker, _pattern in _secrets:
        text = _without_start(text, value, marker)
    return text


def _cleaned(value: Any) -> Any:
    """`value` with without_secrets applied to every string in it (dict keys too)."""
    if isinstance(value, str):
        return without_secrets(value)
    if isinstance(value, (list, tuple)):
        return [_cleaned(item) for item in value]
    if isinstance(value, dict):
        return {_cleaned(key): _cleaned(item) for key, item in value.items()}
    return value


def provider_quote(text: Any, limit: int = QUOTE_LIMIT) -> str:
    """The provider's own text as an error message quotes it: secrets hidden first, so that
    the cut cannot leave part of one, then cut at `limit` characters (past a marker it
    would split)."""
    hidden = without_secrets(str(text))
    cut = min(limit, len(hidden))
    for _value, marker, _pattern in _secrets:
        at = hidden.find(marker)
        while at != -1 and at < cut:
            cut = max(cut, at + len(marker))
            at = hidden.find(marker, at + 1)
    return hidden[:cut]


def provider_reported(code: str, said: str, what: str = "an error", doing: str = "streaming") -> str:
    """The sentence every adapter tells a failure the provider reported with: what it
    reported, while doing what, its own words when it sent any (`said`, quoted already),
    and "retrying may work" only when `code` is transient."""
    named = f" ({said})" if said else ""
    retry = "; retrying may work" if ERROR_TABLE[code][1] else ""
    return f"the provider reported {what} while {doing} the answer{named}{retry}"


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
        body: Dict[str, Any] = {"code": self.code, "message": without_secrets(self.message), "transient": self.transient}
        if self.details:
            body["details"] = _cleaned(self.details)
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
