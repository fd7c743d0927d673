"""Chat completions against a fake Gemini API: request and answer mapping, errors,
streamed chunks turned into OpenAI-style chunks."""
from __future__ import annotations

import json

import pytest

from provider.settings import STREAMING
from tests.fake_upstream import API_KEY, MODEL, valid_config
from tests.test_lifecycle import assert_cut_message, assert_error

HELLO = {"model": MODEL, "messages": [{"role": "user", "content": "hello there"}]}
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
WEATHER = {"type": "function", "function": {"name": "weather", "description": "Weather in a city", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}
RETRY = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"}


def per_day(quota_id):
    return {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaId": quota_id}]}


def test_request_and_answer_are_mapped(ready, upstream):
    request = {
        "model": MODEL,
        "messages": [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "hello there"}],
        "temperature": 0.2, "top_p": 0.9, "max_tokens": 50, "stop": ["END"], "plugin_specific": {"x": 1},
    }
    response = ready.post("/chat/completions", json=request)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["object"] == "chat.completion" and isinstance(body["created"], int)
    assert body["choices"] == [{"index": 0, "message": {"role": "assistant", "content": "echo: hello there"}, "finish_reason": "stop"}]
    assert body["usage"] == {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
    seen = upstream.received[-1]
    assert seen["path"] == f"/v1beta/models/{MODEL}:generateContent"
    assert seen["headers"]["x-goog-api-key"] == API_KEY
    assert seen["body"] == {
        "contents": [{"role": "user", "parts": [{"text": "hello there"}]}],
        "systemInstruction": {"parts": [{"text": "Be terse."}]},
        "generationConfig": {"temperature": 0.2, "topP": 0.9, "maxOutputTokens": 50, "stopSequences": ["END"]},
    }


def test_images_become_inline_data_and_urls_are_refused(ready, upstream):
    content = [{"type": "text", "text": "what?"}, {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}]
    assert ready.post("/chat/completions", json={**HELLO, "messages": [{"role": "user", "content": content}]}).status_code == 200
    assert upstream.received[-1]["body"]["contents"][0]["parts"][1] == {"inlineData": {"mimeType": "image/png", "data": PNG}}
    url = [{"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}}]
    body = assert_error(ready.post("/chat/completions", json={**HELLO, "messages": [{"role": "user", "content": url}]}), "invalid_request", 400)
    assert "inline" in body["message"]


def test_tools_calls_and_results_are_mapped(ready, upstream):
    upstream.parts = [{"text": "Let me look."}, {"functionCall": {"name": "weather", "args": {"city": "Lisbon"}}}]
    messages = [
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "call_a", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Porto\"}"}}]},
        {"role": "tool", "tool_call_id": "call_a", "content": "sunny"},
        {"role": "user", "content": "and Lisbon?"},
    ]
    body = ready.post("/chat/completions", json={"model": MODEL, "messages": messages, "tools": [WEATHER], "tool_choice": {"type": "function", "function": {"name": "weather"}}}).get_json()
    choice = body["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] == "Let me look."
    [call] = choice["message"]["tool_calls"]
    assert call["type"] == "function" and call["id"] and call["function"] == {"name": "weather", "arguments": "{\"city\": \"Lisbon\"}"}
    sent = upstream.received[-1]["body"]
    assert sent["tools"] == [{"functionDeclarations": [{"name": "weather", "description": "Weather in a city", "parameters": WEATHER["function"]["parameters"]}]}]
    assert sent["toolConfig"] == {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["weather"]}}
    assert sent["contents"][1] == {"role": "model", "parts": [{"functionCall": {"name": "weather", "args": {"city": "Porto"}}}]}
    # functionResponse needs the function's name, found through the call id.
    assert sent["contents"][2] == {"role": "user", "parts": [{"functionResponse": {"name": "weather", "response": {"content": "sunny"}}}, {"text": "and Lisbon?"}]}


@pytest.mark.parametrize("reason,finish", [("MAX_TOKENS", "length"), ("SAFETY", "content_filter"), ("RECITATION", "content_filter"), ("STOP", "stop"), ("OTHER", "stop")])
def test_finish_reasons(ready, upstream, reason, finish):
    upstream.finish_reason = reason
    assert ready.post("/chat/completions", json=HELLO).get_json()["choices"][0]["finish_reason"] == finish


def test_thinking_tokens_count_as_completion(ready, upstream):
    upstream.usage = {"promptTokenCount": 3, "candidatesTokenCount": 2, "thoughtsTokenCount": 10, "totalTokenCount": 15}
    assert ready.post("/chat/completions", json=HELLO).get_json()["usage"] == {"prompt_tokens": 3, "completion_tokens": 12, "total_tokens": 15}


def test_a_blocked_prompt_is_content_filter(ready, upstream):
    upstream.blocked = True
    assert_error(ready.post("/chat/completions", json=HELLO), "content_filter", 422)


@pytest.mark.parametrize(
    "data",
    [json.dumps({"model": MODEL, "messages": [{"role": "wizard", "content": "hi"}]})],
)
def test_bad_request_bodies_particular_to_the_api_are_invalid_request(ready, data):
    assert_error(ready.post("/chat/completions", data=data, content_type="application/json"), "invalid_request", 400)


@pytest.mark.parametrize(
    "status,rpc,details,message,code,expected_status,transient",
    [
        (400, None, None, "Invalid JSON payload", "invalid_request", 400, False),
        (400, "FAILED_PRECONDITION", None, "User location is not supported", "quota_exceeded", 402, False),
        (403, None, None, "permission denied", "authentication_failed", 401, False),
        (429, None, [per_day("GenerateRequestsPerDayPerProjectPerModel-FreeTier")], "quota", "quota_exceeded", 402, False),
        (429, None, None, "You exceeded your current quota, please check your plan and billing details.", "quota_exceeded", 402, False),
        (500, None, None, "internal", "provider_unavailable", 502, True),
        (503, None, None, "The model is overloaded.", "provider_unavailable", 503, True),
        (504, None, None, "Deadline exceeded", "timeout", 504, True),
    ],
)
def test_gemini_errors_follow_the_error_table(ready, upstream, status, rpc, details, message, code, expected_status, transient):
    upstream.fault, upstream.rpc, upstream.details, upstream.error_message = status, rpc, details, message
    assert assert_error(ready.post("/chat/completions", json=HELLO), code, expected_status)["transient"] is transient


def test_a_bad_key_is_authentication_failed_though_gemini_says_400(client, upstream):
    client.post("/initialize", json=valid_config(upstream.url, api_key="wrong"))
    assert_error(client.post("/chat/completions", json=HELLO), "authentication_failed", 401)


def test_rate_limit_takes_its_wait_from_retry_info(ready, upstream):
    upstream.fault, upstream.details = 429, [per_day("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"), RETRY]
    response = ready.post("/chat/completions", json=HELLO)
    body = assert_error(response, "rate_limit_exceeded", 429)
    assert response.headers["Retry-After"] == "7" and body["details"]["retry_after"] == 7


def test_models_come_from_every_page_without_embedding_models(ready):
    flags = {"streaming": True, "function_calling": True, "vision": True}
    limits = {"context_window": 1048576, "max_output_tokens": 8192}
    assert ready.get("/models").get_json() == [
        {"id": "gemini-fake-flash", "name": "Gemini-Fake-Flash", "capabilities": flags, **limits},
        {"id": "gemini-fake-pro", "name": "Gemini-Fake-Pro", "capabilities": flags, **limits},
    ]


def events_of(response):
    text = response.get_data(as_text=True)
    return [line[len("data: "):] for line in text.split("\n") if line.startswith("data: ")]


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_stream_chunks_become_openai_chunks(ready, upstream):
    response = ready.post("/chat/completions", json={**HELLO, "stream": True})
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    assert upstream.received[-1]["path"] == f"/v1beta/models/{MODEL}:streamGenerateContent" and upstream.received[-1]["query"] == {"alt": ["sse"]}
    events = events_of(response)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks) == "echo: hello there"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["usage"] == {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_streamed_function_calls_become_tool_call_deltas(ready, upstream):
    upstream.parts = [{"functionCall": {"name": "weather", "args": {"city": "Lisbon"}}}]
    chunks = [json.loads(e) for e in events_of(ready.post("/chat/completions", json={**HELLO, "tools": [WEATHER], "stream": True}))[:-1]]
    calls = [call for c in chunks for call in c["choices"][0]["delta"].get("tool_calls", [])]
    assert calls[0]["index"] == 0 and calls[0]["function"] == {"name": "weather", "arguments": "{\"city\": \"Lisbon\"}"}
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
def test_error_before_the_stream_is_plain_json(ready, upstream):
    upstream.fault = 403
    assert_error(ready.post("/chat/completions", json={**HELLO, "stream": True}), "authentication_failed", 401)


@pytest.mark.skipif(not STREAMING, reason="streaming capability is off")
@pytest.mark.parametrize("fault,code", [("break", "provider_unavailable"), ("stall", "timeout"), ("cut", "provider_unavailable"), ("unavailable", "provider_unavailable")])
def test_error_after_the_stream_started_is_one_event_then_done(client, upstream, fault, code):
    client.post("/initialize", json=valid_config(upstream.url, timeout=1))
    upstream.fault = fault
    response = client.post("/chat/completions", json={**HELLO, "stream": True})
    assert response.status_code == 200
    events = events_of(response)
    assert json.loads(events[0])["object"] == "chat.completion.chunk"
    error = json.loads(events[-2])
    assert error["code"] == code and error["transient"] is True and error["message"]
    if fault in ("cut", "unavailable"):
        assert_cut_message(error["message"])
    if fault == "unavailable":  # the provider's own words, in the sentence of every error it reports mid-stream
        assert error["message"] == "the provider reported an error while streaming the answer (UNAVAILABLE: The model is overloaded. Please try again later.); retrying may work"
    assert events[-1] == "[DONE]"


@pytest.mark.skipif(STREAMING, reason="streaming capability is on")
def test_stream_request_without_streaming_gets_one_json_answer(ready):
    assert ready.post("/chat/completions", json={**HELLO, "stream": True}).get_json()["choices"][0]["message"]["content"] == "echo: hello there"
