"""How long a rate-limited upstream asks to wait (provider.errors.retry_after_seconds)."""
from __future__ import annotations

import time
from email.utils import formatdate

import pytest

from provider.errors import retry_after_seconds


@pytest.mark.parametrize(
    "header,milliseconds,seconds",
    [("7", None, 7), ("7.9", None, 7), (None, None, 1), ("", None, 1), ("soon", None, 1), ("-3", None, 0), ("7", "1500", 2), ("7", "junk", 7)],
)
def test_seconds_milliseconds_and_junk(header, milliseconds, seconds):
    assert retry_after_seconds(header, milliseconds) == seconds


def test_an_http_date_is_the_time_until_then():
    assert 25 <= retry_after_seconds(formatdate(time.time() + 30, usegmt=True)) <= 30
