package main

// Chat completions against the fake Anthropic API: request and answer mapping, errors,
// streaming events turned into OpenAI-style chunks.

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

const testPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="

var weatherTool = map[string]any{"type": "function", "function": map[string]any{"name": "weather", "description": "Weather in a city", "parameters": map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}}}}

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
	request := map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "system", "content": "Be terse."}, map[string]any{"role": "user", "content": "hello there"}}, "temperature": 0.2, "stop": "END", "plugin_specific": map[string]any{"x": 1}}
	got := call(t, "POST", url+"/chat/completions", request)
	if got.status != 200 || got.body["object"] != "chat.completion" || !strings.Contains(got.text, `"created":`) {
		t.Fatalf("chat: %d %s", got.status, got.text)
	}
	expectJSON(t, "choices", got.body["choices"], []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": "echo: hello there"}, "finish_reason": "stop"}})
	expectJSON(t, "usage", got.body["usage"], map[string]any{"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5})
	seen := upstream.last()
	if seen.Path != "/v1/messages" || seen.Header.Get("x-api-key") != testAPIKey || seen.Header.Get("anthropic-version") != "2023-06-01" {
		t.Fatalf("upstream request: %s %v", seen.Path, seen.Header)
	}
	expectJSON(t, "upstream body", seen.Body, map[string]any{
		"model": testModel, "messages": []any{map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": "hello there"}}}},
		"max_tokens": 4096, "system": "Be terse.", "temperature": 0.2, "stop_sequences": []any{"END"},
	})
	call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": hello["messages"], "max_completion_tokens": 7})
	if upstream.last().Body["max_tokens"] != 7.0 {
		t.Fatalf("max_tokens: %v", upstream.last().Body["max_tokens"])
	}
}

func TestImagesBecomeImageBlocks(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	content := []any{map[string]any{"type": "text", "text": "what?"}, map[string]any{"type": "image_url", "image_url": map[string]any{"url": "data:image/png;base64," + testPNG}}, map[string]any{"type": "image_url", "image_url": map[string]any{"url": "https://example.com/cat.jpg"}}}
	call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "user", "content": content}}})
	blocks := upstream.last().Body["messages"].([]any)[0].(map[string]any)["content"].([]any)
	expectJSON(t, "base64 image", blocks[1], map[string]any{"type": "image", "source": map[string]any{"type": "base64", "media_type": "image/png", "data": testPNG}})
	expectJSON(t, "url image", blocks[2], map[string]any{"type": "image", "source": map[string]any{"type": "url", "url": "https://example.com/cat.jpg"}})
}

func TestToolsAndToolResultsAreMapped(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	upstream.mu.Lock()
	upstream.answer = []any{map[string]any{"type": "text", "text": "Let me look."}, map[string]any{"type": "tool_use", "id": "toolu_1", "name": "weather", "input": map[string]any{"city": "Lisbon"}}}
	upstream.stopReason = "tool_use"
	upstream.mu.Unlock()
	messages := []any{
		map[string]any{"role": "user", "content": "weather?"},
		map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{"id": "toolu_0", "type": "function", "function": map[string]any{"name": "weather", "arguments": `{"city": "Porto"}`}}}},
		map[string]any{"role": "tool", "tool_call_id": "toolu_0", "content": "sunny"},
		map[string]any{"role": "user", "content": "and Lisbon?"},
	}
	got := call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": messages, "tools": []any{weatherTool}, "tool_choice": "required"})
	choice := got.body["choices"].([]any)[0].(map[string]any)
	if choice["finish_reason"] != "tool_calls" || choice["message"].(map[string]any)["content"] != "Let me look." {
		t.Fatalf("choice: %s", got.text)
	}
	expectJSON(t, "tool_calls", choice["message"].(map[string]any)["tool_calls"], []any{map[string]any{"id": "toolu_1", "type": "function", "function": map[string]any{"name": "weather", "arguments": `{"city":"Lisbon"}`}}})
	sent := upstream.last().Body
	expectJSON(t, "tools", sent["tools"], []any{map[string]any{"name": "weather", "description": "Weather in a city", "input_schema": weatherTool["function"].(map[string]any)["parameters"]}})
	expectJSON(t, "tool_choice", sent["tool_choice"], map[string]any{"type": "any"})
	turns := sent["messages"].([]any)
	expectJSON(t, "assistant turn", turns[1], map[string]any{"role": "assistant", "content": []any{map[string]any{"type": "tool_use", "id": "toolu_0", "name": "weather", "input": map[string]any{"city": "Porto"}}}})
	// The tool result and the next user text share one user turn: roles must alternate.
	expectJSON(t, "user turn", turns[2], map[string]any{"role": "user", "content": []any{map[string]any{"type": "tool_result", "tool_use_id": "toolu_0", "content": "sunny"}, map[string]any{"type": "text", "text": "and Lisbon?"}}})
}

func TestStopReasonsAndCachedUsage(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	for stop, finish := range map[string]string{"max_tokens": "length", "refusal": "content_filter", "stop_sequence": "stop"} {
		upstream.mu.Lock()
		upstream.stopReason = stop
		upstream.mu.Unlock()
		got := call(t, "POST", url+"/chat/completions", hello)
		if reason := got.body["choices"].([]any)[0].(map[string]any)["finish_reason"]; reason != finish {
			t.Fatalf("%s: finish_reason %v", stop, reason)
		}
	}
	upstream.mu.Lock()
	upstream.usage = map[string]any{"input_tokens": 3, "cache_creation_input_tokens": 10, "cache_read_input_tokens": 20, "output_tokens": 4}
	upstream.mu.Unlock()
	expectJSON(t, "usage", call(t, "POST", url+"/chat/completions", hello).body["usage"], map[string]any{"prompt_tokens": 33, "completion_tokens": 4, "total_tokens": 37})
}

func TestBadChatBodiesAreInvalidRequest(t *testing.T) {
	url := initialized(t, startFakeUpstream(t))
	for _, body := range []any{
		map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "wizard", "content": "hi"}}},
		map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "user", "content": []any{map[string]any{"type": "image_url", "image_url": map[string]any{"url": "data:text/plain,hi"}}}}}},
	} {
		expectError(t, call(t, "POST", url+"/chat/completions", body), "invalid_request", 400)
	}
}

func TestAnthropicErrorsFollowTheErrorTable(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	for _, row := range []struct {
		fault, message, code string
		status               int
	}{
		{"400", "messages: roles must alternate", "invalid_request", 400},
		{"400", "You have reached your specified API usage limits (spend limit).", "quota_exceeded", 402},
		{"401", "invalid x-api-key", "authentication_failed", 401},
		{"403", "no permission", "authentication_failed", 401},
		{"402", "billing", "quota_exceeded", 402},
		{"413", "too large", "invalid_request", 400},
		{"500", "Internal server error", "provider_unavailable", 502},
		{"529", "Overloaded", "provider_unavailable", 503},
		{"504", "The request timed out while processing.", "timeout", 504},
	} {
		upstream.mu.Lock()
		upstream.fault, upstream.errorMessage = row.fault, row.message
		upstream.mu.Unlock()
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
	url := initialized(t, startFakeUpstream(t))
	flags := map[string]any{"streaming": true, "function_calling": true, "vision": true}
	expectJSON(t, "models", call(t, "GET", url+"/models", nil).list, []any{
		map[string]any{"id": "claude-fake-small", "name": "CLAUDE-FAKE-SMALL", "capabilities": flags, "context_window": 200000, "max_output_tokens": 64000},
		map[string]any{"id": "claude-fake-large", "name": "CLAUDE-FAKE-LARGE", "capabilities": flags, "context_window": 200000, "max_output_tokens": 64000},
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
	if got.status != 200 || !strings.HasPrefix(got.header.Get("Content-Type"), "text/event-stream") || events[len(events)-1] != "[DONE]" {
		t.Fatalf("stream: %d %s", got.status, got.text)
	}
	chunks := chunksOf(t, events)
	var text strings.Builder
	for _, chunk := range chunks {
		if chunk["object"] != "chat.completion.chunk" || chunk["id"] != "msg_fake" {
			t.Fatalf("chunk: %v", chunk)
		}
		content, _ := chunk["choices"].([]any)[0].(map[string]any)["delta"].(map[string]any)["content"].(string)
		text.WriteString(content)
	}
	last := chunks[len(chunks)-1]
	if text.String() != "echo: hello there" || last["choices"].([]any)[0].(map[string]any)["finish_reason"] != "stop" {
		t.Fatalf("streamed text %q, last chunk %v", text.String(), last)
	}
	expectJSON(t, "stream usage", last["usage"], map[string]any{"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5})

	upstream.mu.Lock()
	upstream.answer = []any{map[string]any{"type": "tool_use", "id": "toolu_1", "name": "weather", "input": map[string]any{"city": "Lisbon"}}}
	upstream.stopReason = "tool_use"
	upstream.mu.Unlock()
	chunks = chunksOf(t, streamEvents(call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": hello["messages"], "tools": []any{weatherTool}, "stream": true}).text))
	var arguments strings.Builder
	calls := []any{}
	for _, chunk := range chunks {
		delta := chunk["choices"].([]any)[0].(map[string]any)["delta"].(map[string]any)
		for _, call := range toSlice(delta["tool_calls"]) {
			calls = append(calls, call)
			arguments.WriteString(call.(map[string]any)["function"].(map[string]any)["arguments"].(string))
		}
	}
	expectJSON(t, "first tool call delta", calls[0], map[string]any{"index": 0, "id": "toolu_1", "type": "function", "function": map[string]any{"name": "weather", "arguments": ""}})
	if arguments.String() != `{"city":"Lisbon"}` {
		t.Fatalf("tool arguments: %s", arguments.String())
	}

	upstream.setFault("401", "")
	expectError(t, call(t, "POST", url+"/chat/completions", streamed), "authentication_failed", 401)

	url = initializedWith(t, upstream.URL, map[string]any{"timeout": 1})
	for fault, code := range map[string]string{"break": "provider_unavailable", "cut": "provider_unavailable", "stall": "timeout", "overloaded": "provider_unavailable"} {
		upstream.setFault(fault, "")
		events := streamEvents(call(t, "POST", url+"/chat/completions", streamed).text)
		var failure map[string]any
		_ = json.Unmarshal([]byte(events[len(events)-2]), &failure)
		if events[len(events)-1] != "[DONE]" || failure["code"] != code || failure["transient"] != true {
			t.Fatalf("%s: events %v", fault, events)
		}
		if fault == "cut" || fault == "overloaded" {
			expectCutMessage(t, failure)
		}
		if want := "the provider reported an error while streaming the answer (overloaded_error); retrying may work"; fault == "overloaded" && failure["message"] != want {
			t.Fatalf("overloaded: message %q, want %q", failure["message"], want)
		}
	}
}

func toSlice(value any) []any {
	items, _ := value.([]any)
	return items
}
