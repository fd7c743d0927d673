"""Chat completions against a fake Cohere v2 API: request and answer mapping, errors,
typed stream events turned into OpenAI-style chunks."""
from __future__ import annotations

import json

import pytest

from provider.settings import STREAMING
from tests.fake_upstream import API_KEY, MODEL, valid_config
from tests.test_lifecycle import assert_cut_message, assert_error

HELLO = {"model": MODEL, "messages": [{"role": "user", "content": "hello there"}]}
PNG_URL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
WEATHER = {"type": "function", "function": {"name": "weather", "description": "Weather in a city", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}
CLOCK = {"type": "function", "function": {"name": "clock", "parameters": {"type": "object"}}}
CALL = [{"id": "weather_1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Lisbon\"}"}}]


def test_request_and_answer_are_mapped(ready, upstream):
    request = {
        "model": MODEL,
        "messages": [{"role": "user", "content": "hello there"}, {"role": "system", "content": "Be terse."}],
        "temperature": 0.2, "top_p": 0.9, "max_tokens": 50, "stop": "END", "plugin_specific": {"x": 1},
    }
    response = ready.post("/chat/completions", json=request)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["id"] == "c-fake" and isinstance(body["created"], int)
    assert body["choices"] == [{"index": 0, "message": {"role": "assistant", "content": "echo: hello there"}, "finish_reason": "stop"}]
    assert body["usage"] == {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}  # tokens, not billed_units
    seen = upstream.received[-1]
    assert seen["path"] == "/v2/chat" and seen["headers"]["Authorization"] == f"Bearer {API_KEY}"
    assert seen["body"] == {
        "model": MODEL,
        # Cohere wants the system turn first, wherever the request had it.
        "messages": [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "hello there"}],
        "temperature": 0.2, "p": 0.9, "max_tokens": 50, "stop_sequences": ["END"],
    }


def test_image_parts_pass_as_image_url_parts(ready, upstream):
    content = [{"type": "text", "text": "what?"}, {"type": "image_url", "image_url": {"url": PNG_URL, "detail": "low"}}]
    assert ready.post("/chat/completions", json={**HELLO, "messages": [{"role": "user", "content": content}]}).status_code == 200
    assert upstream.received[-1]["body"]["messages"][0] == {"role": "user", "content": [{"type": "text", "text": "what?"}, {"type": "image_url", "image_url": {"url": PNG_URL}}]}


def test_tools_calls_and_results_are_mapped(ready, upstream):
    upstream.tool_calls, upstream.finish_reason = CALL, "TOOL_CALL"
    messages = [
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "call_a", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Porto\"}"}}]},
        {"role": "tool", "tool_call_id": "call_a", "content": "sunny"},
        {"role": "user", "content": "and Lisbon?"},
    ]
    body = ready.post("/chat/completions", json={"model": MODEL, "messages": messages, "tools": [WEATHER, CLOCK], "tool_choice": "required"}).get_json()
    choice = body["choices"][0]
    assert choice["finish_reason"] == "tool_calls" and choice["message"]["content"] is None
    assert choice["message"]["tool_calls"] == CALL
    sent = upstream.received[-1]["body"]
    assert sent["tools"] == [WEATHER, CLOCK] and sent["tool_choice"] == "REQUIRED"
    assert sent["messages"][1] == {"role": "assistant", "tool_calls": [{"id": "call_a", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Porto\"}"}}]}
    assert sent["messages"][2] == {"role": "tool", "tool_call_id": "call_a", "content": "sunny"}
    # Cohere has no named tool choice: REQUIRED over just that tool.
    ready.post("/chat/completions", json={**HELLO, "tools": [WEATHER, CLOCK], "tool_choice": {"type": "function", "function": {"name": "clock"}}})
    assert upstream.received[-1]["body"]["tools"] == [CLOCK] and upstream.received[-1]["body"]["tool_choice"] == "REQUIRED"


@pytest.mark.parametrize("reason,finish", [("MAX_TOKENS", "length"), ("STOP_SEQUENCE", "stop"), ("COMPLETE", "stop")])
def test_finish_reasons(ready, upstream, reason, finish):
    upstream.finish_reason = reason
    assert ready.post("/chat/completions", json=HELLO).get_json()["choices"][0]["finish_reason"] == finish


@pytest.mark.parametrize("reason,code,status", [("ERROR", "provider_unavailable", 502), ("TIMEOUT", "timeout", 504)])
def test_failed_generations_are_errors(ready, upstream, reason, code, status):
    upstream.finish_reason = reason
    response = ready.post("/chat/completions", json=HELLO)
    assert_error(response, code, status)
    assert response.get_json()["message"].startswith("the provider reported ") and "retrying may work" in response.get_json()["message"]


@pytest.mark.parametrize(
    "data",
    [json.dumps({"model": MODEL, "messages": [{"role": "wizard", "content": "hi"}]})],
)
def test_bad_request_bodies_particular_to_the_api_are_invalid_request(ready, data):
    assert_error(ready.post("/chat/completions", data=data, content_type="application/json"), "invalid_request", 400)


@pytest.mark.parametrize(
    "status,code,expected_status,transient",
    [
        (400, "invalid_request", 400, False),
        (422, "invalid_request", 400, False),
        (402, "quota_exceeded", 402, False),
        (403, "authentication_failed", 401, False),
        (498, "authentication_failed", 401, False),
        (500, "provider_unavailable", 502, True),
        (501, "invalid_request", 400, False),
        (503, "provider_unavailable", 503, True),
        (504, "timeout", 504, True),
    ],
)
def test_cohere_errors_follow_the_error_table(ready, upstream, status, code, expected_status, transient):
    upstream.fault = status
    assert assert_error(ready.post("/chat/completions", json=HELLO), code, expected_status)["transient"] is transient


def test_rate_limit_carries_retry_after(ready, upstream):
    upstream.fault, upstream.retry_after = 429, "7"
    response = ready.post("/chat/completions", json=HELLO)
    body = assert_error(response, "rate_limit_exceeded", 429)
    assert response.headers["Retry-After"] == "7" and body["details"]["retry_after"] == 7


def test_models_come_from_every_page_with_their_features(ready, upstream):
    assert ready.get("/models").get_json() == [
        {"id": "command-fake", "name": "command-fake", "capabilities": {"streaming": True, "function_calling": True, "vision": False}, "context_window": 128000},
        {"id": "command-fake-vision", "name": "command-fake-vision", "capabilities": {"streaming": True, "function_calling": True, "vision": True}, "context_window": 128000},
    ]


def events_of(response):
    text = response.get_data(as_text=True)
    return [line[len("data: "):] for line in text.split("\n") if line.startswith("data: ")]


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_typed_events_become_openai_chunks(ready, upstream):
    response = ready.post("/chat/completions", json={**HELLO, "stream": True})
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    assert upstream.received[-1]["body"]["stream"] is True
    events = events_of(response)
    assert events[-1] == "[DONE]" and events.count("[DONE]") == 1
    chunks = [json.loads(event) for event in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" and c["id"] == "c-fake" for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks) == "echo: hello there"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["usage"] == {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_streamed_tool_calls_become_tool_call_deltas(ready, upstream):
    upstream.tool_calls, upstream.finish_reason = CALL, "TOOL_CALL"
    chunks = [json.loads(e) for e in events_of(ready.post("/chat/completions", json={**HELLO, "tools": [WEATHER], "stream": True}))[:-1]]
    calls = [call for c in chunks for call in c["choices"][0]["delta"].get("tool_calls", [])]
    assert calls[0] == {"index": 0, "id": "weather_1", "type": "function", "function": {"name": "weather", "arguments": ""}}
    assert json.loads("".join(call["function"]["arguments"] for call in calls)) == {"city": "Lisbon"}
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_error_before_the_stream_is_plain_json(ready, upstream):
    upstream.fault = 402
    assert_error(ready.post("/chat/completions", json={**HELLO, "stream": True}), "quota_exceeded", 402)


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
@pytest.mark.parametrize("fault,code", [("break", "provider_unavailable"), ("stall", "timeout"), ("cut", "provider_unavailable"), ("error", "provider_unavailable")])
def test_error_after_the_stream_started_is_one_event_then_done(client, upstream, fault, code):
    client.post("/initialize", json=valid_config(upstream.url, timeout=1))
    upstream.fault = fault
    response = client.post("/chat/completions", json={**HELLO, "stream": True})
    assert response.status_code == 200
    events = events_of(response)
    assert json.loads(events[0])["object"] == "chat.completion.chunk"
    error = json.loads(events[-2])
    assert error["code"] == code and error["transient"] is True and error["message"]
    if fault in ("cut", "error"):
        assert_cut_message(error["message"])
    if fault == "error":  # the provider's own words, in the sentence of every error it reports mid-stream
        assert error["message"] == "the provider reported an error while streaming the answer (internal server error while generating); retrying may work"
    assert events[-1] == "[DONE]"


@pytest.mark.skipif(STREAMING, reason="streaming capability is on")
def test_stream_request_without_streaming_gets_one_json_answer(ready):
    assert ready.post("/chat/completions", json={**HELLO, "stream": True}).get_json()["choices"][0]["message"]["content"] == "echo: hello there"
