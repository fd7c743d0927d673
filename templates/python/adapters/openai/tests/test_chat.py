"""Chat completions: forwarding, strict shapes, the error table, streaming."""
from __future__ import annotations

import json

import pytest

from provider.settings import STREAMING
from tests.fake_upstream import CONTENT_FILTER_FAULT, assert_sent_upstream, valid_config
from tests.test_lifecycle import assert_cut_message, assert_error, assert_plain_message

HELLO = {"model": "fake-small", "messages": [{"role": "user", "content": "hello there"}]}


def test_completion_is_forwarded_and_normalised(ready, upstream):
    request = {**HELLO, "temperature": 0.2, "max_tokens": 50, "some_future_field": 1, "plugin_specific": {"x": 1}}
    response = ready.post("/chat/completions", json=request)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["choices"][0]["message"] == {"role": "assistant", "content": "echo: hello there"}
    assert isinstance(body["created"], int) and body["created"] == 1700000000
    assert '"created":1700000000' in response.get_data(as_text=True).replace(" ", "")
    assert body["usage"] == {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
    seen = upstream.received[-1]
    assert_sent_upstream(seen)
    assert seen["body"]["temperature"] == 0.2 and seen["body"]["max_tokens"] == 50
    assert seen["body"]["messages"] == HELLO["messages"]
    assert "plugin_specific" not in seen["body"]


@pytest.mark.parametrize(
    "status,code,expected_status,transient",
    [
        (401, "authentication_failed", 401, False),
        (402, "quota_exceeded", 402, False),
        (CONTENT_FILTER_FAULT, "content_filter", 422, False),
        (500, "provider_unavailable", 502, True),
        (502, "provider_unavailable", 502, True),
        (503, "provider_unavailable", 503, True),
        (400, "invalid_request", 400, False),
    ],
)
def test_upstream_errors_follow_the_error_table(ready, upstream, status, code, expected_status, transient):
    upstream.fault = status
    body = assert_error(ready.post("/chat/completions", json=HELLO), code, expected_status)
    assert body["transient"] is transient


def test_rate_limit_carries_retry_after(ready, upstream):
    upstream.fault, upstream.retry_after = 429, "7"
    response = ready.post("/chat/completions", json=HELLO)
    body = assert_error(response, "rate_limit_exceeded", 429)
    assert body["transient"] is True
    assert response.headers["Retry-After"] == "7"
    assert body["details"]["retry_after"] == 7


def test_rate_limit_without_retry_after_defaults_to_one_second(ready, upstream):
    upstream.fault = 429
    response = ready.post("/chat/completions", json=HELLO)
    assert response.headers["Retry-After"] == "1"


def events_of(response):
    text = response.get_data(as_text=True)
    return [line[len("data: "):] for line in text.split("\n") if line.startswith("data: ")]


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_streaming_passes_events_through(ready, upstream):
    response = ready.post("/chat/completions", json={**HELLO, "stream": True})
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    events = events_of(response)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert all(chunk["object"] == "chat.completion.chunk" and isinstance(chunk["created"], int) for chunk in chunks)
    assert "".join(chunk["choices"][0]["delta"].get("content") or "" for chunk in chunks) == "echo: hello there"
    assert upstream.received[-1]["body"]["stream"] is True


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_streaming_error_before_the_stream_is_plain_json(ready, upstream):
    upstream.fault = 401
    assert_error(ready.post("/chat/completions", json={**HELLO, "stream": True}), "authentication_failed", 401)


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
@pytest.mark.parametrize("fault,code", [("break", "provider_unavailable"), ("stall", "timeout")])
def test_error_after_the_stream_started_is_one_event_then_done(client, upstream, fault, code):
    client.post("/initialize", json=valid_config(upstream.url, timeout=1))
    upstream.fault = fault
    response = client.post("/chat/completions", json={**HELLO, "stream": True})
    assert response.status_code == 200
    events = events_of(response)
    assert json.loads(events[0])["object"] == "chat.completion.chunk"
    error = json.loads(events[-2])
    assert error["code"] == code and error["transient"] is True and error["message"]
    assert_plain_message(error["message"])
    assert events[-1] == "[DONE]"


SERVER_ERROR = {"message": "The server had an error while processing your request.", "type": "server_error", "param": None, "code": None}
OVERLOADED = {"message": "The engine is currently overloaded, please try again later", "type": "service_unavailable_error", "param": None, "code": "server_is_overloaded"}
RATE_LIMITED = {"message": "Rate limit reached for requests. Please try again in 6ms.", "type": "requests", "param": None, "code": "rate_limit_exceeded"}
NO_QUOTA = {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "param": None, "code": "insufficient_quota"}
TOO_LONG = {"message": "x" * 300, "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}
# A code sent as a number is the code, for the status and the classification alike.
NUMERIC_CODE = {"message": "Service unavailable.", "type": "insufficient_quota", "param": None, "code": 503}
SAID = "the provider reported an error while streaming the answer"


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
@pytest.mark.parametrize(
    "fault,error,code,message",
    [
        ("stream-error-object", SERVER_ERROR, "provider_unavailable", f"{SAID} (server_error: {SERVER_ERROR['message']}); retrying may work"),
        ("stream-error-event", SERVER_ERROR, "provider_unavailable", f"{SAID} (server_error: {SERVER_ERROR['message']}); retrying may work"),
        ("stream-error-object", OVERLOADED, "provider_unavailable", f"{SAID} (server_is_overloaded: {OVERLOADED['message']}); retrying may work"),
        ("stream-error-object", RATE_LIMITED, "rate_limit_exceeded", f"{SAID} (rate_limit_exceeded: {RATE_LIMITED['message']}); retrying may work"),
        ("stream-error-object", NO_QUOTA, "quota_exceeded", f"{SAID} (insufficient_quota: {NO_QUOTA['message']})"),
        ("stream-error-object", TOO_LONG, "invalid_request", f"{SAID} (context_length_exceeded: {'x' * 200})"),
        ("stream-error-object", NUMERIC_CODE, "provider_unavailable", f"{SAID} (503: Service unavailable.); retrying may work"),
    ],
)
def test_error_the_provider_sends_in_the_stream_is_one_error_event_then_done(ready, upstream, fault, error, code, message):
    """An `{"error": {...}}` event after the 200 is the provider's failure, classified like an
    error answer of the same type, not an unreadable chunk."""
    upstream.fault, upstream.stream_error = fault, error
    events = events_of(ready.post("/chat/completions", json={**HELLO, "stream": True}))
    assert json.loads(events[0])["object"] == "chat.completion.chunk"
    failure = json.loads(events[-2])
    assert failure["code"] == code and failure["message"] == message, failure
    # No status or Retry-After came with it, so none is made up.
    assert "upstream_status" not in failure.get("details", {}) and "retry_after" not in failure.get("details", {}), failure
    if failure["transient"]:
        assert_cut_message(failure["message"])
    else:
        assert_plain_message(failure["message"])
    assert events[-1] == "[DONE]" and len(events) == 3


def test_only_a_non_empty_object_or_string_is_an_error_event():
    # The same rule in the Node and Go templates; a status is ASCII digits only.
    from provider.upstream import _stream_status, is_stream_error

    values = ({"message": "down"}, "down", {}, "", True, 0, 1, [], ["down"], None)
    assert [is_stream_error(value) for value in values] == [True, True] + [False] * 8
    assert _stream_status({"code": "\u0664\u0662\u0669"}) == 502 and _stream_status({"code": "429"}) == 429


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_stream_cut_before_its_finish_reason_is_one_error_event_then_done(ready, upstream):
    upstream.fault = "cut"
    events = events_of(ready.post("/chat/completions", json={**HELLO, "stream": True}))
    error = json.loads(events[-2])
    assert error["code"] == "provider_unavailable" and error["transient"] is True
    assert events[-1] == "[DONE]"


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_finished_stream_without_done_gets_done_and_no_error(ready, upstream):
    upstream.fault = "no-done"
    events = events_of(ready.post("/chat/completions", json={**HELLO, "stream": True}))
    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert all(chunk.get("object") == "chat.completion.chunk" for chunk in chunks), events
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
@pytest.mark.parametrize("fault", ["two-choices-cut", "two-choices-one-sent"])
def test_stream_with_a_choice_left_unfinished_is_cut(ready, upstream, fault):
    # With n > 1 every choice asked for must come and finish: index 0's finish_reason ends
    # neither an unfinished index 1 nor one that never came.
    upstream.fault = fault
    events = events_of(ready.post("/chat/completions", json={**HELLO, "n": 2, "stream": True}))
    error = json.loads(events[-2])
    assert error["code"] == "provider_unavailable" and error["transient"] is True
    assert_cut_message(error["message"])
    assert events[-1] == "[DONE]"


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_stream_whose_choices_all_finished_without_done_is_not_cut(ready, upstream):
    upstream.fault = "two-choices-no-done"
    events = events_of(ready.post("/chat/completions", json={**HELLO, "n": 2, "stream": True}))
    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert all(chunk.get("object") == "chat.completion.chunk" for chunk in chunks), events
    finished = {choice["index"] for chunk in chunks for choice in chunk["choices"] if choice["finish_reason"]}
    assert finished == {0, 1}


@pytest.mark.skipif(STREAMING, reason="streaming capability is on")
def test_stream_request_without_streaming_gets_one_json_answer(ready):
    response = ready.post("/chat/completions", json={**HELLO, "stream": True})
    assert response.status_code == 200
    assert response.get_json()["choices"][0]["message"]["content"] == "echo: hello there"


def test_oversized_body_is_invalid_request(ready):
    response = ready.post("/chat/completions", data=b" " * (20 * 1024 * 1024 + 1), content_type="application/json")
    assert_error(response, "invalid_request", 400)
