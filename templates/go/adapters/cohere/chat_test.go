package main

// Chat completions against the fake Cohere v2 API: request and answer mapping, errors,
// typed stream events turned into OpenAI-style chunks.

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

const pngURL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="

var weatherTool = map[string]any{"type": "function", "function": map[string]any{"name": "weather", "description": "Weather in a city", "parameters": map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}}}}

var clockTool = map[string]any{"type": "function", "function": map[string]any{"name": "clock", "parameters": map[string]any{"type": "object"}}}

var lisbonCall = []any{map[string]any{"id": "weather_1", "type": "function", "function": map[string]any{"name": "weather", "arguments": `{"city": "Lisbon"}`}}}

func roundTrip(value any) any {
	data, _ := json.Marshal(value)
	var out any
	_ = json.Unmarshal(data, &out)
	return out
}

func expectJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(roundTrip(got), roundTrip(want)) {
		gotText, _ := json.Marshal(got)
		wantText, _ := json.Marshal(want)
		t.Fatalf("%s:\n got %s\nwant %s", what, gotText, wantText)
	}
}

func TestRequestAndAnswerAreMapped(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	request := map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "user", "content": "hello there"}, map[string]any{"role": "system", "content": "Be terse."}}, "temperature": 0.2, "top_p": 0.9, "max_tokens": 50, "stop": "END", "plugin_specific": map[string]any{"x": 1}}
	got := call(t, "POST", url+"/chat/completions", request)
	if got.status != 200 || got.body["id"] != "c-fake" {
		t.Fatalf("chat: %d %s", got.status, got.text)
	}
	expectJSON(t, "choices", got.body["choices"], []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": "echo: hello there"}, "finish_reason": "stop"}})
	expectJSON(t, "usage (tokens, not billed units)", got.body["usage"], map[string]any{"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5})
	seen := upstream.last()
	if seen.Path != "/v2/chat" || seen.Header.Get("Authorization") != "Bearer "+testAPIKey {
		t.Fatalf("upstream request: %s %v", seen.Path, seen.Header)
	}
	expectJSON(t, "upstream body (system first)", seen.Body, map[string]any{
		"model": testModel, "messages": []any{map[string]any{"role": "system", "content": "Be terse."}, map[string]any{"role": "user", "content": "hello there"}},
		"temperature": 0.2, "p": 0.9, "max_tokens": 50, "stop_sequences": []any{"END"},
	})
	content := []any{map[string]any{"type": "text", "text": "what?"}, map[string]any{"type": "image_url", "image_url": map[string]any{"url": pngURL, "detail": "low"}}}
	call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "user", "content": content}}})
	expectJSON(t, "image parts", upstream.last().Body["messages"].([]any)[0], map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": "what?"}, map[string]any{"type": "image_url", "image_url": map[string]any{"url": pngURL}}}})
}

func TestToolsCallsAndResultsAreMapped(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	upstream.set(func(f *fakeUpstream) { f.toolCalls, f.finishReason = lisbonCall, "TOOL_CALL" })
	messages := []any{
		map[string]any{"role": "user", "content": "weather?"},
		map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{"id": "call_a", "type": "function", "function": map[string]any{"name": "weather", "arguments": `{"city": "Porto"}`}}}},
		map[string]any{"role": "tool", "tool_call_id": "call_a", "content": "sunny"},
		map[string]any{"role": "user", "content": "and Lisbon?"},
	}
	got := call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": messages, "tools": []any{weatherTool, clockTool}, "tool_choice": "required"})
	choice := got.body["choices"].([]any)[0].(map[string]any)
	message := choice["message"].(map[string]any)
	if choice["finish_reason"] != "tool_calls" || message["content"] != nil {
		t.Fatalf("choice: %s", got.text)
	}
	expectJSON(t, "tool_calls", message["tool_calls"], lisbonCall)
	sent := upstream.last().Body
	expectJSON(t, "tools", sent["tools"], []any{weatherTool, clockTool})
	if sent["tool_choice"] != "REQUIRED" {
		t.Fatalf("tool_choice: %v", sent["tool_choice"])
	}
	turns := sent["messages"].([]any)
	expectJSON(t, "assistant turn", turns[1], map[string]any{"role": "assistant", "tool_calls": []any{map[string]any{"id": "call_a", "type": "function", "function": map[string]any{"name": "weather", "arguments": `{"city": "Porto"}`}}}})
	expectJSON(t, "tool turn", turns[2], map[string]any{"role": "tool", "tool_call_id": "call_a", "content": "sunny"})
	// Cohere has no named tool choice: REQUIRED over just that tool.
	call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": hello["messages"], "tools": []any{weatherTool, clockTool}, "tool_choice": map[string]any{"type": "function", "function": map[string]any{"name": "clock"}}})
	expectJSON(t, "named tool", upstream.last().Body["tools"], []any{clockTool})
}

func TestFinishReasonsAndFailedGenerations(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	for reason, finish := range map[string]string{"MAX_TOKENS": "length", "STOP_SEQUENCE": "stop"} {
		upstream.set(func(f *fakeUpstream) { f.finishReason = reason })
		if got := call(t, "POST", url+"/chat/completions", hello).body["choices"].([]any)[0].(map[string]any)["finish_reason"]; got != finish {
			t.Fatalf("%s: %v", reason, got)
		}
	}
	upstream.set(func(f *fakeUpstream) { f.finishReason = "ERROR" })
	got := call(t, "POST", url+"/chat/completions", hello)
	expectError(t, got, "provider_unavailable", 502)
	if got.body["message"] != "the provider reported an error while generating the answer; retrying may work" {
		t.Fatalf("ERROR: message %q", got.body["message"])
	}
	upstream.set(func(f *fakeUpstream) { f.finishReason = "TIMEOUT" })
	got = call(t, "POST", url+"/chat/completions", hello)
	expectError(t, got, "timeout", 504)
	if got.body["message"] != "the provider reported a timeout while generating the answer; retrying may work" {
		t.Fatalf("TIMEOUT: message %q", got.body["message"])
	}
}

func TestBadChatBodiesAreInvalidRequest(t *testing.T) {
	url := initialized(t, startFakeUpstream(t))
	for _, body := range []any{map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "wizard", "content": "hi"}}}} {
		expectError(t, call(t, "POST", url+"/chat/completions", body), "invalid_request", 400)
	}
}

func TestCohereErrorsFollowTheErrorTable(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	for _, row := range []struct {
		fault, code string
		status      int
	}{
		{"400", "invalid_request", 400}, {"422", "invalid_request", 400}, {"402", "quota_exceeded", 402}, {"403", "authentication_failed", 401},
		{"498", "authentication_failed", 401}, {"500", "provider_unavailable", 502}, {"501", "invalid_request", 400}, {"503", "provider_unavailable", 503}, {"504", "timeout", 504},
	} {
		upstream.setFault(row.fault, "")
		expectError(t, call(t, "POST", url+"/chat/completions", hello), row.code, row.status)
	}
	upstream.setFault("429", "7")
	got := call(t, "POST", url+"/chat/completions", hello)
	expectError(t, got, "rate_limit_exceeded", 429)
	if got.header.Get("Retry-After") != "7" || got.body["details"].(map[string]any)["retry_after"] != 7.0 {
		t.Fatalf("rate limit: %v %s", got.header, got.text)
	}
}

func TestModelsComeFromEveryPage(t *testing.T) {
	expectJSON(t, "models", call(t, "GET", initialized(t, startFakeUpstream(t))+"/models", nil).list, []any{
		map[string]any{"id": "command-fake", "name": "command-fake", "capabilities": map[string]any{"streaming": true, "function_calling": true, "vision": false}, "context_window": 128000},
		map[string]any{"id": "command-fake-vision", "name": "command-fake-vision", "capabilities": map[string]any{"streaming": true, "function_calling": true, "vision": true}, "context_window": 128000},
	})
}

func streamEvents(text string) []string {
	events := []string{}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "data: ") {
			events = append(events, strings.TrimPrefix(line, "data: "))
		}
	}
	return events
}

func chunksOf(t *testing.T, events []string) []map[string]any {
	t.Helper()
	chunks := []map[string]any{}
	for _, event := range events[:len(events)-1] {
		var chunk map[string]any
		if err := json.Unmarshal([]byte(event), &chunk); err != nil {
			t.Fatalf("event %q: %v", event, err)
		}
		chunks = append(chunks, chunk)
	}
	return chunks
}

func TestStreaming(t *testing.T) {
	if !capabilities["streaming"] {
		t.Skip("streaming capability is off")
	}
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	streamed := map[string]any{"model": testModel, "messages": hello["messages"], "stream": true}
	got := call(t, "POST", url+"/chat/completions", streamed)
	events := streamEvents(got.text)
	if got.status != 200 || events[len(events)-1] != "[DONE]" || strings.Count(got.text, "[DONE]") != 1 {
		t.Fatalf("stream: %d %s", got.status, got.text)
	}
	chunks := chunksOf(t, events)
	var text strings.Builder
	for _, chunk := range chunks {
		content, _ := chunk["choices"].([]any)[0].(map[string]any)["delta"].(map[string]any)["content"].(string)
		text.WriteString(content)
	}
	last := chunks[len(chunks)-1]
	if text.String() != "echo: hello there" || last["choices"].([]any)[0].(map[string]any)["finish_reason"] != "stop" || last["id"] != "c-fake" {
		t.Fatalf("streamed text %q, last chunk %v", text.String(), last)
	}
	expectJSON(t, "stream usage", last["usage"], map[string]any{"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5})

	upstream.set(func(f *fakeUpstream) { f.toolCalls, f.finishReason = lisbonCall, "TOOL_CALL" })
	chunks = chunksOf(t, streamEvents(call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": hello["messages"], "tools": []any{weatherTool}, "stream": true}).text))
	var arguments strings.Builder
	calls := []any{}
	for _, chunk := range chunks {
		delta := chunk["choices"].([]any)[0].(map[string]any)["delta"].(map[string]any)
		list, _ := delta["tool_calls"].([]any)
		for _, item := range list {
			calls = append(calls, item)
			arguments.WriteString(item.(map[string]any)["function"].(map[string]any)["arguments"].(string))
		}
	}
	expectJSON(t, "first tool call delta", calls[0], map[string]any{"index": 0, "id": "weather_1", "type": "function", "function": map[string]any{"name": "weather", "arguments": ""}})
	if arguments.String() != `{"city": "Lisbon"}` {
		t.Fatalf("tool arguments: %s", arguments.String())
	}
	upstream.set(func(f *fakeUpstream) { f.toolCalls, f.finishReason = nil, "COMPLETE" })

	upstream.setFault("402", "")
	expectError(t, call(t, "POST", url+"/chat/completions", streamed), "quota_exceeded", 402)

	url = initializedWith(t, upstream.URL, map[string]any{"timeout": 1})
	for fault, code := range map[string]string{"break": "provider_unavailable", "cut": "provider_unavailable", "stall": "timeout", "error": "provider_unavailable"} {
		upstream.setFault(fault, "")
		events := streamEvents(call(t, "POST", url+"/chat/completions", streamed).text)
		var failure map[string]any
		_ = json.Unmarshal([]byte(events[len(events)-2]), &failure)
		if events[len(events)-1] != "[DONE]" || failure["code"] != code || failure["transient"] != true {
			t.Fatalf("%s: events %v", fault, events)
		}
		if fault == "cut" || fault == "error" {
			expectCutMessage(t, failure)
		}
		// The provider's own words, in the sentence of every error it reports mid-stream.
		if want := "the provider reported an error while streaming the answer (internal server error while generating); retrying may work"; fault == "error" && failure["message"] != want {
			t.Fatalf("error: message %q, want %q", failure["message"], want)
		}
	}
}
