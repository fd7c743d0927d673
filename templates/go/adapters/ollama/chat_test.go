package main

// Chat completions against the fake Ollama server: request and answer mapping, errors,
// the NDJSON stream turned into OpenAI-style SSE chunks.

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

const testPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="

var weatherTool = map[string]any{"type": "function", "function": map[string]any{"name": "weather", "description": "Weather in a city", "parameters": map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}}}}

var lisbonCall = []any{map[string]any{"function": map[string]any{"name": "weather", "arguments": map[string]any{"city": "Lisbon"}}}}

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
	request := map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "system", "content": "Be terse."}, map[string]any{"role": "user", "content": "hello there"}}, "temperature": 0.2, "max_completion_tokens": 50, "stop": "END", "plugin_specific": map[string]any{"x": 1}}
	got := call(t, "POST", url+"/chat/completions", request)
	if got.status != 200 || got.body["object"] != "chat.completion" {
		t.Fatalf("chat: %d %s", got.status, got.text)
	}
	expectJSON(t, "choices", got.body["choices"], []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": "echo: hello there"}, "finish_reason": "stop"}})
	expectJSON(t, "usage", got.body["usage"], map[string]any{"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5})
	seen := upstream.last()
	if seen.Path != "/api/chat" || seen.Header.Get("Authorization") != "" {
		t.Fatalf("upstream request: %s %v", seen.Path, seen.Header)
	}
	expectJSON(t, "upstream body", seen.Body, map[string]any{
		"model": testModel, "messages": []any{map[string]any{"role": "system", "content": "Be terse."}, map[string]any{"role": "user", "content": "hello there"}},
		"options": map[string]any{"temperature": 0.2, "num_predict": 50, "stop": []any{"END"}}, "stream": false,
	})
	url = initializedWith(t, upstream.URL, map[string]any{"api_key": testAPIKey})
	call(t, "POST", url+"/chat/completions", hello)
	if upstream.last().Header.Get("Authorization") != "Bearer "+testAPIKey {
		t.Fatalf("a configured key is a Bearer token: %v", upstream.last().Header)
	}
}

func TestImagesAreBase64BesideTheText(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	content := []any{map[string]any{"type": "text", "text": "what?"}, map[string]any{"type": "image_url", "image_url": map[string]any{"url": "data:image/png;base64," + testPNG}}}
	call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "user", "content": content}}})
	expectJSON(t, "message", upstream.last().Body["messages"].([]any)[0], map[string]any{"role": "user", "content": "what?", "images": []any{testPNG}})
	byURL := []any{map[string]any{"type": "image_url", "image_url": map[string]any{"url": "https://example.com/cat.jpg"}}}
	expectError(t, call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "user", "content": byURL}}}), "invalid_request", 400)
}

func TestToolsCallsAndResultsAreMapped(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	upstream.set(func(f *fakeUpstream) { f.toolCalls = lisbonCall })
	messages := []any{
		map[string]any{"role": "user", "content": "weather?"},
		map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{"id": "call_a", "type": "function", "function": map[string]any{"name": "weather", "arguments": `{"city": "Porto"}`}}}},
		map[string]any{"role": "tool", "tool_call_id": "call_a", "content": "sunny"},
		map[string]any{"role": "user", "content": "and Lisbon?"},
	}
	got := call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": messages, "tools": []any{weatherTool}, "tool_choice": "auto"})
	choice := got.body["choices"].([]any)[0].(map[string]any)
	message := choice["message"].(map[string]any)
	if choice["finish_reason"] != "tool_calls" || message["content"] != nil {
		t.Fatalf("choice: %s", got.text)
	}
	toolCall := message["tool_calls"].([]any)[0].(map[string]any)
	if toolCall["id"] == "" {
		t.Fatalf("tool call without id: %v", toolCall)
	}
	expectJSON(t, "function", toolCall["function"], map[string]any{"name": "weather", "arguments": `{"city":"Lisbon"}`})
	sent := upstream.last().Body
	expectJSON(t, "tools", sent["tools"], []any{weatherTool})
	turns := sent["messages"].([]any)
	expectJSON(t, "assistant turn", turns[1], map[string]any{"role": "assistant", "content": "", "tool_calls": []any{map[string]any{"function": map[string]any{"name": "weather", "arguments": map[string]any{"city": "Porto"}}}}})
	expectJSON(t, "tool turn", turns[2], map[string]any{"role": "tool", "content": "sunny", "tool_call_id": "call_a", "tool_name": "weather"})
	call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": messages, "tools": []any{weatherTool}, "tool_choice": "none"})
	if _, sentTools := upstream.last().Body["tools"]; sentTools {
		t.Fatal("tool_choice none must send no tools (Ollama has no tool_choice)")
	}
	upstream.set(func(f *fakeUpstream) { f.toolCalls, f.doneReason = nil, "length" })
	if reason := call(t, "POST", url+"/chat/completions", hello).body["choices"].([]any)[0].(map[string]any)["finish_reason"]; reason != "length" {
		t.Fatalf("done_reason length: %v", reason)
	}
}

func TestBadChatBodiesAreInvalidRequest(t *testing.T) {
	url := initialized(t, startFakeUpstream(t))
	for _, body := range []any{map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "wizard", "content": "hi"}}}} {
		expectError(t, call(t, "POST", url+"/chat/completions", body), "invalid_request", 400)
	}
}

func TestOllamaErrorsFollowTheErrorTable(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	for _, row := range []struct {
		fault, code string
		status      int
	}{
		{"400", "invalid_request", 400}, {"401", "authentication_failed", 401}, {"403", "authentication_failed", 401},
		{"500", "provider_unavailable", 502}, {"502", "provider_unavailable", 502}, {"503", "provider_unavailable", 503},
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

func TestModelsComeFromTheTags(t *testing.T) {
	models := call(t, "GET", initialized(t, startFakeUpstream(t))+"/models", nil).list
	if len(models) != 2 {
		t.Fatalf("models: %v", models)
	}
	expectJSON(t, "first model", models[0], map[string]any{"id": "llama-fake:latest", "name": "llama-fake:latest", "capabilities": map[string]any{"streaming": true}, "description": "llama 3.2B Q4_K_M"})
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
	if got.status != 200 || events[len(events)-1] != "[DONE]" || upstream.last().Body["stream"] != true {
		t.Fatalf("stream: %d %s", got.status, got.text)
	}
	chunks := chunksOf(t, events)
	var text strings.Builder
	for _, chunk := range chunks {
		content, _ := chunk["choices"].([]any)[0].(map[string]any)["delta"].(map[string]any)["content"].(string)
		text.WriteString(content)
	}
	last := chunks[len(chunks)-1]
	if text.String() != "echo: hello there" || last["choices"].([]any)[0].(map[string]any)["finish_reason"] != "stop" {
		t.Fatalf("streamed text %q, last chunk %v", text.String(), last)
	}
	expectJSON(t, "stream usage", last["usage"], map[string]any{"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5})

	upstream.set(func(f *fakeUpstream) { f.toolCalls = lisbonCall })
	chunks = chunksOf(t, streamEvents(call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": hello["messages"], "tools": []any{weatherTool}, "stream": true}).text))
	found := false
	for _, chunk := range chunks {
		delta := chunk["choices"].([]any)[0].(map[string]any)["delta"].(map[string]any)
		if calls, ok := delta["tool_calls"].([]any); ok {
			found = true
			expectJSON(t, "tool call delta function", calls[0].(map[string]any)["function"], map[string]any{"name": "weather", "arguments": `{"city":"Lisbon"}`})
		}
	}
	if !found || chunks[len(chunks)-1]["choices"].([]any)[0].(map[string]any)["finish_reason"] != "tool_calls" {
		t.Fatalf("streamed tool call: %v", chunks)
	}
	upstream.set(func(f *fakeUpstream) { f.toolCalls = nil })

	upstream.setFault("404", "")
	expectError(t, call(t, "POST", url+"/chat/completions", streamed), "model_not_found", 404)

	url = initializedWith(t, upstream.URL, map[string]any{"timeout": 1})
	for fault, code := range map[string]string{"break": "provider_unavailable", "cut": "provider_unavailable", "stall": "timeout", "runner": "provider_unavailable"} {
		upstream.setFault(fault, "")
		events := streamEvents(call(t, "POST", url+"/chat/completions", streamed).text)
		var failure map[string]any
		_ = json.Unmarshal([]byte(events[len(events)-2]), &failure)
		if events[len(events)-1] != "[DONE]" || failure["code"] != code || failure["transient"] != true {
			t.Fatalf("%s: events %v", fault, events)
		}
		if fault == "cut" || fault == "runner" {
			expectCutMessage(t, failure)
		}
		if want := "the provider reported an error while streaming the answer (an error was encountered while running the model: unexpected EOF); retrying may work"; fault == "runner" && failure["message"] != want {
			t.Fatalf("runner: message %q, want %q", failure["message"], want)
		}
	}
}
