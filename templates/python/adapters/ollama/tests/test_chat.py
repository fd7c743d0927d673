"""Chat completions against a fake Ollama server: request and answer mapping, errors,
the NDJSON stream turned into OpenAI-style SSE chunks."""
from __future__ import annotations

import json

import pytest

from provider.settings import STREAMING
from tests.fake_upstream import API_KEY, MODEL, valid_config
from tests.test_lifecycle import assert_cut_message, assert_error

HELLO = {"model": MODEL, "messages": [{"role": "user", "content": "hello there"}]}
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
WEATHER = {"type": "function", "function": {"name": "weather", "description": "Weather in a city", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}
CALL = [{"function": {"name": "weather", "arguments": {"city": "Lisbon"}}}]


def test_request_and_answer_are_mapped(ready, upstream):
    request = {
        "model": MODEL,
        "messages": [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "hello there"}],
        "temperature": 0.2, "max_completion_tokens": 50, "stop": "END", "plugin_specific": {"x": 1},
    }
    response = ready.post("/chat/completions", json=request)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["object"] == "chat.completion" and isinstance(body["created"], int)
    assert body["choices"] == [{"index": 0, "message": {"role": "assistant", "content": "echo: hello there"}, "finish_reason": "stop"}]
    assert body["usage"] == {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
    seen = upstream.received[-1]
    assert seen["path"] == "/api/chat"
    assert "Authorization" not in seen["headers"]  # a local Ollama takes no key
    assert seen["body"] == {
        "model": MODEL,
        "messages": [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "hello there"}],
        "options": {"temperature": 0.2, "num_predict": 50, "stop": ["END"]},
        "stream": False,
    }


def test_a_key_when_configured_is_a_bearer_token(client, upstream):
    client.post("/initialize", json=valid_config(upstream.url, api_key=API_KEY))
    client.post("/chat/completions", json=HELLO)
    assert upstream.received[-1]["headers"]["Authorization"] == f"Bearer {API_KEY}"


def test_images_become_base64_beside_the_text(ready, upstream):
    content = [{"type": "text", "text": "what?"}, {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}]
    assert ready.post("/chat/completions", json={**HELLO, "messages": [{"role": "user", "content": content}]}).status_code == 200
    assert upstream.received[-1]["body"]["messages"][0] == {"role": "user", "content": "what?", "images": [PNG]}
    url = [{"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}}]
    assert_error(ready.post("/chat/completions", json={**HELLO, "messages": [{"role": "user", "content": url}]}), "invalid_request", 400)


def test_tools_calls_and_results_are_mapped(ready, upstream):
    upstream.tool_calls = CALL
    messages = [
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "call_a", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Porto\"}"}}]},
        {"role": "tool", "tool_call_id": "call_a", "content": "sunny"},
        {"role": "user", "content": "and Lisbon?"},
    ]
    body = ready.post("/chat/completions", json={"model": MODEL, "messages": messages, "tools": [WEATHER], "tool_choice": "auto"}).get_json()
    choice = body["choices"][0]
    assert choice["finish_reason"] == "tool_calls" and choice["message"]["content"] is None
    [call] = choice["message"]["tool_calls"]
    assert call["id"] and call["type"] == "function" and call["function"] == {"name": "weather", "arguments": "{\"city\": \"Lisbon\"}"}
    sent = upstream.received[-1]["body"]
    assert sent["tools"] == [WEATHER]
    assert sent["messages"][1] == {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": "weather", "arguments": {"city": "Porto"}}}]}
    assert sent["messages"][2] == {"role": "tool", "content": "sunny", "tool_call_id": "call_a", "tool_name": "weather"}
    ready.post("/chat/completions", json={"model": MODEL, "messages": messages, "tools": [WEATHER], "tool_choice": "none"})
    assert "tools" not in upstream.received[-1]["body"]  # Ollama has no tool_choice


def test_length_finish_reason(ready, upstream):
    upstream.done_reason = "length"
    assert ready.post("/chat/completions", json=HELLO).get_json()["choices"][0]["finish_reason"] == "length"


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
        (401, "authentication_failed", 401, False),
        (403, "authentication_failed", 401, False),
        (500, "provider_unavailable", 502, True),
        (502, "provider_unavailable", 502, True),
        (503, "provider_unavailable", 503, True),
    ],
)
def test_ollama_errors_follow_the_error_table(ready, upstream, status, code, expected_status, transient):
    upstream.fault = status
    assert assert_error(ready.post("/chat/completions", json=HELLO), code, expected_status)["transient"] is transient


def test_rate_limit_carries_retry_after(ready, upstream):
    upstream.fault, upstream.retry_after = 429, "7"
    response = ready.post("/chat/completions", json=HELLO)
    body = assert_error(response, "rate_limit_exceeded", 429)
    assert response.headers["Retry-After"] == "7" and body["details"]["retry_after"] == 7


def test_models_come_from_the_tags(ready):
    models = ready.get("/models").get_json()
    assert [m["id"] for m in models] == ["llama-fake:latest", "llava-fake:7b"]
    assert models[0] == {"id": "llama-fake:latest", "name": "llama-fake:latest", "capabilities": {"streaming": True}, "description": "llama 3.2B Q4_K_M"}


def events_of(response):
    text = response.get_data(as_text=True)
    return [line[len("data: "):] for line in text.split("\n") if line.startswith("data: ")]


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_ndjson_lines_become_openai_chunks(ready, upstream):
    response = ready.post("/chat/completions", json={**HELLO, "stream": True})
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    assert upstream.received[-1]["body"]["stream"] is True
    events = events_of(response)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks) == "echo: hello there"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["usage"] == {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_streamed_tool_calls_become_tool_call_deltas(ready, upstream):
    upstream.tool_calls = CALL
    chunks = [json.loads(e) for e in events_of(ready.post("/chat/completions", json={**HELLO, "tools": [WEATHER], "stream": True}))[:-1]]
    calls = [call for c in chunks for call in c["choices"][0]["delta"].get("tool_calls", [])]
    assert calls[0]["index"] == 0 and calls[0]["function"] == {"name": "weather", "arguments": "{\"city\": \"Lisbon\"}"}
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_error_before_the_stream_is_plain_json(ready, upstream):
    upstream.fault = 404
    assert_error(ready.post("/chat/completions", json={**HELLO, "stream": True}), "model_not_found", 404)


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
@pytest.mark.parametrize("fault,code", [("break", "provider_unavailable"), ("stall", "timeout"), ("cut", "provider_unavailable"), ("runner", "provider_unavailable")])
def test_error_after_the_stream_started_is_one_event_then_done(client, upstream, fault, code):
    client.post("/initialize", json=valid_config(upstream.url, timeout=1))
    upstream.fault = fault
    response = client.post("/chat/completions", json={**HELLO, "stream": True})
    assert response.status_code == 200
    events = events_of(response)
    assert json.loads(events[0])["object"] == "chat.completion.chunk"
    error = json.loads(events[-2])
    assert error["code"] == code and error["transient"] is True and error["message"]
    if fault in ("cut", "runner"):
        assert_cut_message(error["message"])
    if fault == "runner":
        assert error["message"] == "the provider reported an error while streaming the answer (an error was encountered while running the model: unexpected EOF); retrying may work"
    assert events[-1] == "[DONE]"


@pytest.mark.skipif(STREAMING, reason="streaming capability is on")
def test_stream_request_without_streaming_gets_one_json_answer(ready):
    assert ready.post("/chat/completions", json={**HELLO, "stream": True}).get_json()["choices"][0]["message"]["content"] == "echo: hello there"
