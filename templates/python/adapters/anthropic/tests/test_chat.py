"""Chat completions against a fake Anthropic API: request and answer mapping, errors,
streaming events turned into OpenAI-style chunks."""
from __future__ import annotations

import json

import pytest

from provider.settings import METADATA, STREAMING
from tests.fake_upstream import API_KEY, MODEL, valid_config
from tests.test_lifecycle import assert_cut_message, assert_error

HELLO = {"model": MODEL, "messages": [{"role": "user", "content": "hello there"}]}
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
WEATHER = {"type": "function", "function": {"name": "weather", "description": "Weather in a city", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}


def test_request_and_answer_are_mapped(ready, upstream):
    request = {
        "model": MODEL,
        "messages": [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "hello there"}],
        "temperature": 0.2,
        "stop": "END",
        "plugin_specific": {"x": 1},
    }
    response = ready.post("/chat/completions", json=request)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["object"] == "chat.completion" and isinstance(body["created"], int)
    assert body["choices"] == [{"index": 0, "message": {"role": "assistant", "content": "echo: hello there"}, "finish_reason": "stop"}]
    assert body["usage"] == {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
    seen = upstream.received[-1]
    assert seen["path"] == "/v1/messages"
    assert seen["headers"]["x-api-key"] == API_KEY and seen["headers"]["anthropic-version"] == "2023-06-01"
    assert seen["body"] == {
        "model": MODEL,
        "system": "Be terse.",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hello there"}]}],
        "max_tokens": 4096,  # Anthropic requires one: the config's default
        "temperature": 0.2,
        "stop_sequences": ["END"],
    }


def test_max_tokens_of_the_request_wins(ready, upstream):
    ready.post("/chat/completions", json={**HELLO, "max_completion_tokens": 7})
    assert upstream.received[-1]["body"]["max_tokens"] == 7
    ready.post("/chat/completions", json={**HELLO, "max_tokens": 9})
    assert upstream.received[-1]["body"]["max_tokens"] == 9


def test_images_become_image_blocks(ready, upstream):
    content = [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
    ]
    assert ready.post("/chat/completions", json={**HELLO, "messages": [{"role": "user", "content": content}]}).status_code == 200
    blocks = upstream.received[-1]["body"]["messages"][0]["content"]
    assert blocks[1] == {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}}
    assert blocks[2] == {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}}


def test_tools_and_tool_results_are_mapped(ready, upstream):
    upstream.answer = [{"type": "text", "text": "Let me look."}, {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {"city": "Lisbon"}}]
    upstream.stop_reason = "tool_use"
    messages = [
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "toolu_0", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Porto\"}"}}]},
        {"role": "tool", "tool_call_id": "toolu_0", "content": "sunny"},
        {"role": "user", "content": "and Lisbon?"},
    ]
    response = ready.post("/chat/completions", json={"model": MODEL, "messages": messages, "tools": [WEATHER], "tool_choice": "required"})
    body = response.get_json()
    choice = body["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] == "Let me look."
    assert choice["message"]["tool_calls"] == [{"id": "toolu_1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Lisbon\"}"}}]
    sent = upstream.received[-1]["body"]
    assert sent["tools"] == [{"name": "weather", "description": "Weather in a city", "input_schema": WEATHER["function"]["parameters"]}]
    assert sent["tool_choice"] == {"type": "any"}
    assert sent["messages"][1] == {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_0", "name": "weather", "input": {"city": "Porto"}}]}
    # The tool result and the next user text share one user turn: roles must alternate.
    assert sent["messages"][2] == {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_0", "content": "sunny"}, {"type": "text", "text": "and Lisbon?"}]}


@pytest.mark.parametrize("stop_reason,finish", [("max_tokens", "length"), ("refusal", "content_filter"), ("stop_sequence", "stop"), ("end_turn", "stop")])
def test_stop_reasons_become_finish_reasons(ready, upstream, stop_reason, finish):
    upstream.stop_reason = stop_reason
    assert ready.post("/chat/completions", json=HELLO).get_json()["choices"][0]["finish_reason"] == finish


def test_cached_input_counts_as_prompt_tokens(ready, upstream):
    upstream.usage = {"input_tokens": 3, "cache_creation_input_tokens": 10, "cache_read_input_tokens": 20, "output_tokens": 4}
    assert ready.post("/chat/completions", json=HELLO).get_json()["usage"] == {"prompt_tokens": 33, "completion_tokens": 4, "total_tokens": 37}


@pytest.mark.parametrize(
    "data",
    [json.dumps({"model": MODEL, "messages": [{"role": "wizard", "content": "hi"}]}),
     json.dumps({"model": MODEL, "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:text/plain,hi"}}]}]})],
)
def test_bad_request_bodies_particular_to_the_api_are_invalid_request(ready, data):
    assert_error(ready.post("/chat/completions", data=data, content_type="application/json"), "invalid_request", 400)


@pytest.mark.parametrize(
    "status,message,code,expected_status,transient",
    [
        (400, "messages: roles must alternate", "invalid_request", 400, False),
        (400, "You have reached your specified API usage limits (spend limit).", "quota_exceeded", 402, False),
        (401, "invalid x-api-key", "authentication_failed", 401, False),
        (403, "no permission", "authentication_failed", 401, False),
        (402, "billing", "quota_exceeded", 402, False),
        (413, "too large", "invalid_request", 400, False),
        (500, "Internal server error", "provider_unavailable", 502, True),
        (529, "Overloaded", "provider_unavailable", 503, True),
        (504, "The request timed out while processing.", "timeout", 504, True),
    ],
)
def test_anthropic_errors_follow_the_error_table(ready, upstream, status, message, code, expected_status, transient):
    upstream.fault, upstream.error_message = status, message
    body = assert_error(ready.post("/chat/completions", json=HELLO), code, expected_status)
    assert body["transient"] is transient


def test_rate_limit_carries_retry_after(ready, upstream):
    upstream.fault, upstream.retry_after = 429, "7"
    response = ready.post("/chat/completions", json=HELLO)
    body = assert_error(response, "rate_limit_exceeded", 429)
    assert response.headers["Retry-After"] == "7" and body["details"]["retry_after"] == 7


def test_models_come_from_every_page(ready, upstream):
    models = ready.get("/models").get_json()
    flags = {"streaming": True, "function_calling": True, "vision": True}
    assert models == [
        {"id": "claude-fake-small", "name": "CLAUDE-FAKE-SMALL", "capabilities": flags, "context_window": 200000, "max_output_tokens": 64000},
        {"id": "claude-fake-large", "name": "CLAUDE-FAKE-LARGE", "capabilities": flags, "context_window": 200000, "max_output_tokens": 64000},
    ]


def test_manifest_declares_only_what_the_adapter_does():
    config = {field["name"]: field for field in METADATA["config_schema"]}
    assert config["api_key"]["sensitive"] is True and config["max_tokens"]["default"] >= 1


def events_of(response):
    text = response.get_data(as_text=True)
    return [line[len("data: "):] for line in text.split("\n") if line.startswith("data: ")]


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_stream_events_become_openai_chunks(ready, upstream):
    response = ready.post("/chat/completions", json={**HELLO, "stream": True})
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    events = events_of(response)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" and c["id"] == "msg_fake" for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks) == "echo: hello there"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["usage"] == {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
    assert upstream.received[-1]["body"]["stream"] is True


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_streamed_tool_use_becomes_tool_call_deltas(ready, upstream):
    upstream.answer = [{"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {"city": "Lisbon"}}]
    upstream.stop_reason = "tool_use"
    chunks = [json.loads(e) for e in events_of(ready.post("/chat/completions", json={**HELLO, "tools": [WEATHER], "stream": True}))[:-1]]
    calls = [call for c in chunks for call in c["choices"][0]["delta"].get("tool_calls", [])]
    assert calls[0] == {"index": 0, "id": "toolu_1", "type": "function", "function": {"name": "weather", "arguments": ""}}
    assert json.loads("".join(call["function"]["arguments"] for call in calls)) == {"city": "Lisbon"}
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_error_before_the_stream_is_plain_json(ready, upstream):
    upstream.fault = 401
    assert_error(ready.post("/chat/completions", json={**HELLO, "stream": True}), "authentication_failed", 401)


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
@pytest.mark.parametrize("fault,code", [("break", "provider_unavailable"), ("stall", "timeout"), ("cut", "provider_unavailable"), ("overloaded", "provider_unavailable")])
def test_error_after_the_stream_started_is_one_event_then_done(client, upstream, fault, code):
    client.post("/initialize", json=valid_config(upstream.url, timeout=1))
    upstream.fault = fault
    response = client.post("/chat/completions", json={**HELLO, "stream": True})
    assert response.status_code == 200
    events = events_of(response)
    assert json.loads(events[0])["object"] == "chat.completion.chunk"
    error = json.loads(events[-2])
    assert error["code"] == code and error["transient"] is True and error["message"]
    if fault in ("cut", "overloaded"):
        assert_cut_message(error["message"])
    if fault == "overloaded":
        assert error["message"] == "the provider reported an error while streaming the answer (overloaded_error); retrying may work"
    assert events[-1] == "[DONE]"


@pytest.mark.skipif(STREAMING, reason="streaming capability is on")
def test_stream_request_without_streaming_gets_one_json_answer(ready):
    response = ready.post("/chat/completions", json={**HELLO, "stream": True})
    assert response.get_json()["choices"][0]["message"]["content"] == "echo: hello there"


def test_oversized_body_is_invalid_request(ready):
    response = ready.post("/chat/completions", data=b" " * (20 * 1024 * 1024 + 1), content_type="application/json")
    assert_error(response, "invalid_request", 400)
