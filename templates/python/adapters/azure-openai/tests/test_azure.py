"""What Azure adds to openai's test_chat: deployments as models, quotas, the api-version."""
from __future__ import annotations

import json

import pytest

from provider.settings import STREAMING
from tests.fake_upstream import MODELS, valid_config
from tests.test_chat import HELLO, events_of
from tests.test_lifecycle import assert_error


def test_models_are_the_configured_deployments(ready):
    assert [m["id"] for m in ready.get("/models").get_json()] == MODELS


def test_a_long_retry_wait_is_a_spent_quota(ready, upstream):
    upstream.fault, upstream.retry_after = 429, "86400"
    assert_error(ready.post("/chat/completions", json=HELLO), "quota_exceeded", 402)


def test_the_api_version_is_configurable(client, upstream):
    client.post("/initialize", json=valid_config(upstream.url, api_version="2025-01-01-preview"))
    client.post("/chat/completions", json=HELLO)
    assert upstream.received[-1]["query"] == {"api-version": ["2025-01-01-preview"]}


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_an_azure_error_in_the_stream_is_classified_by_its_code(ready, upstream):
    # Azure's error bodies carry the status as their code; the same body mid-stream is a rate limit.
    upstream.fault, upstream.stream_error = "stream-error-object", {"code": "429", "message": "Rate limit is exceeded. Try again in 2 seconds."}
    events = events_of(ready.post("/chat/completions", json={**HELLO, "stream": True}))
    failure = json.loads(events[-2])
    assert failure["code"] == "rate_limit_exceeded" and events[-1] == "[DONE]"
    assert "upstream_status" not in failure.get("details", {}) and "retry_after" not in failure.get("details", {})
    assert failure["message"] == "the provider reported an error while streaming the answer (429: Rate limit is exceeded. Try again in 2 seconds.); retrying may work"


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_a_spent_azure_quota_in_the_stream_is_quota_exceeded_not_a_rate_limit(ready, upstream):
    upstream.fault, upstream.stream_error = "stream-error-object", {"code": "insufficient_quota", "message": "You exceeded your current quota."}
    events = events_of(ready.post("/chat/completions", json={**HELLO, "stream": True}))
    failure = json.loads(events[-2])
    assert failure["code"] == "quota_exceeded" and not failure["transient"] and events[-1] == "[DONE]"
    assert failure["message"] == "the provider reported an error while streaming the answer (insufficient_quota: You exceeded your current quota.)"
    assert "upstream_status" not in failure.get("details", {}) and "retry_after" not in failure.get("details", {})
