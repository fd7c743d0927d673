package main

// Chat completions against the fake Gemini API: request and answer mapping, errors,
// streamed chunks turned into OpenAI-style chunks.

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

func quotaFailure(id string) map[string]any {
	return map[string]any{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": []any{map[string]any{"quotaId": id}}}
}

func TestRequestAndAnswerAreMapped(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	request := map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "system", "content": "Be terse."}, map[string]any{"role": "user", "content": "hello there"}}, "temperature": 0.2, "top_p": 0.9, "max_tokens": 50, "stop": []any{"END"}, "plugin_specific": map[string]any{"x": 1}}
	got := call(t, "POST", url+"/chat/completions", request)
	if got.status != 200 || got.body["object"] != "chat.completion" {
		t.Fatalf("chat: %d %s", got.status, got.text)
	}
	expectJSON(t, "choices", got.body["choices"], []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": "echo: hello there"}, "finish_reason": "stop"}})
	expectJSON(t, "usage", got.body["usage"], map[string]any{"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5})
	seen := upstream.last()
	if seen.Path != "/v1beta/models/"+testModel+":generateContent" || seen.Header.Get("x-goog-api-key") != testAPIKey {
		t.Fatalf("upstream request: %s %v", seen.Path, seen.Header)
	}
	expectJSON(t, "upstream body", seen.Body, map[string]any{
		"contents":          []any{map[string]any{"role": "user", "parts": []any{map[string]any{"text": "hello there"}}}},
		"systemInstruction": map[string]any{"parts": []any{map[string]any{"text": "Be terse."}}},
		"generationConfig":  map[string]any{"temperature": 0.2, "topP": 0.9, "maxOutputTokens": 50, "stopSequences": []any{"END"}},
	})
}

func TestImagesAreSentInline(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	content := []any{map[string]any{"type": "text", "text": "what?"}, map[string]any{"type": "image_url", "image_url": map[string]any{"url": "data:image/png;base64," + testPNG}}}
	call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "user", "content": content}}})
	parts := upstream.last().Body["contents"].([]any)[0].(map[string]any)["parts"].([]any)
	expectJSON(t, "inline image", parts[1], map[string]any{"inlineData": map[string]any{"mimeType": "image/png", "data": testPNG}})
	byURL := []any{map[string]any{"type": "image_url", "image_url": map[string]any{"url": "https://example.com/cat.jpg"}}}
	got := call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "user", "content": byURL}}})
	expectError(t, got, "invalid_request", 400)
	if !strings.Contains(got.text, "inline") {
		t.Fatalf("message: %s", got.text)
	}
}

func TestToolsCallsAndResultsAreMapped(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	upstream.set(func(f *fakeUpstream) {
		f.parts = []any{map[string]any{"text": "Let me look."}, map[string]any{"functionCall": map[string]any{"name": "weather", "args": map[string]any{"city": "Lisbon"}}}}
	})
	messages := []any{
		map[string]any{"role": "user", "content": "weather?"},
		map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{"id": "call_a", "type": "function", "function": map[string]any{"name": "weather", "arguments": `{"city": "Porto"}`}}}},
		map[string]any{"role": "tool", "tool_call_id": "call_a", "content": "sunny"},
		map[string]any{"role": "user", "content": "and Lisbon?"},
	}
	got := call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": messages, "tools": []any{weatherTool}, "tool_choice": "none"})
	choice := got.body["choices"].([]any)[0].(map[string]any)
	message := choice["message"].(map[string]any)
	if choice["finish_reason"] != "tool_calls" || message["content"] != "Let me look." {
		t.Fatalf("choice: %s", got.text)
	}
	toolCall := message["tool_calls"].([]any)[0].(map[string]any)
	if toolCall["id"] == "" {
		t.Fatalf("tool call without id: %v", toolCall)
	}
	expectJSON(t, "function", toolCall["function"], map[string]any{"name": "weather", "arguments": `{"city":"Lisbon"}`})
	sent := upstream.last().Body
	expectJSON(t, "tools", sent["tools"], []any{map[string]any{"functionDeclarations": []any{map[string]any{"name": "weather", "description": "Weather in a city", "parameters": weatherTool["function"].(map[string]any)["parameters"]}}}})
	expectJSON(t, "toolConfig", sent["toolConfig"], map[string]any{"functionCallingConfig": map[string]any{"mode": "NONE"}})
	contents := sent["contents"].([]any)
	expectJSON(t, "model turn", contents[1], map[string]any{"role": "model", "parts": []any{map[string]any{"functionCall": map[string]any{"name": "weather", "args": map[string]any{"city": "Porto"}}}}})
	// functionResponse needs the function's name, found through the call id.
	expectJSON(t, "user turn", contents[2], map[string]any{"role": "user", "parts": []any{map[string]any{"functionResponse": map[string]any{"name": "weather", "response": map[string]any{"content": "sunny"}}}, map[string]any{"text": "and Lisbon?"}}})
}

func TestFinishReasonsUsageAndBlocks(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	for reason, finish := range map[string]string{"MAX_TOKENS": "length", "SAFETY": "content_filter", "RECITATION": "content_filter", "OTHER": "stop"} {
		upstream.set(func(f *fakeUpstream) { f.finishReason = reason })
		got := call(t, "POST", url+"/chat/completions", hello)
		if value := got.body["choices"].([]any)[0].(map[string]any)["finish_reason"]; value != finish {
			t.Fatalf("%s: finish_reason %v", reason, value)
		}
	}
	upstream.set(func(f *fakeUpstream) {
		f.usage = map[string]any{"promptTokenCount": 3, "candidatesTokenCount": 2, "thoughtsTokenCount": 10, "totalTokenCount": 15}
	})
	expectJSON(t, "usage", call(t, "POST", url+"/chat/completions", hello).body["usage"], map[string]any{"prompt_tokens": 3, "completion_tokens": 12, "total_tokens": 15})
	upstream.set(func(f *fakeUpstream) { f.blocked = true })
	expectError(t, call(t, "POST", url+"/chat/completions", hello), "content_filter", 422)
}

func TestBadChatBodiesAreInvalidRequest(t *testing.T) {
	url := initialized(t, startFakeUpstream(t))
	for _, body := range []any{map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "wizard", "content": "hi"}}}} {
		expectError(t, call(t, "POST", url+"/chat/completions", body), "invalid_request", 400)
	}
}

func TestGeminiErrorsFollowTheErrorTable(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	for _, row := range []struct {
		fault, rpc string
		details    []any
		message    string
		code       string
		status     int
	}{
		{"400", "", nil, "Invalid JSON payload", "invalid_request", 400},
		{"400", "FAILED_PRECONDITION", nil, "User location is not supported", "quota_exceeded", 402},
		{"403", "", nil, "permission denied", "authentication_failed", 401},
		{"429", "", []any{quotaFailure("GenerateRequestsPerDayPerProjectPerModel-FreeTier")}, "quota", "quota_exceeded", 402},
		{"429", "", nil, "You exceeded your current quota, please check your plan and billing details.", "quota_exceeded", 402},
		{"500", "", nil, "internal", "provider_unavailable", 502},
		{"503", "", nil, "The model is overloaded.", "provider_unavailable", 503},
		{"504", "", nil, "Deadline exceeded", "timeout", 504},
	} {
		upstream.setError(row.fault, row.rpc, row.details, row.message)
		expectError(t, call(t, "POST", url+"/chat/completions", hello), row.code, row.status)
	}
	retry := map[string]any{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"}
	upstream.setError("429", "", []any{quotaFailure("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"), retry}, "slow down")
	got := call(t, "POST", url+"/chat/completions", hello)
	expectError(t, got, "rate_limit_exceeded", 429)
	if got.header.Get("Retry-After") != "7" || got.body["details"].(map[string]any)["retry_after"] != 7.0 {
		t.Fatalf("rate limit: %v %s", got.header, got.text)
	}

	url = initializedWith(t, upstream.URL, map[string]any{"api_key": "wrong"})
	expectError(t, call(t, "POST", url+"/chat/completions", hello), "authentication_failed", 401)
}

func TestModelsComeFromEveryPage(t *testing.T) {
	url := initialized(t, startFakeUpstream(t))
	flags := map[string]any{"streaming": true, "function_calling": true, "vision": true}
	expectJSON(t, "models", call(t, "GET", url+"/models", nil).list, []any{
		map[string]any{"id": "gemini-fake-flash", "name": "GEMINI-FAKE-FLASH", "capabilities": flags, "context_window": 1048576, "max_output_tokens": 8192},
		map[string]any{"id": "gemini-fake-pro", "name": "GEMINI-FAKE-PRO", "capabilities": flags, "context_window": 1048576, "max_output_tokens": 8192},
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
	if got.status != 200 || events[len(events)-1] != "[DONE]" || upstream.last().Query != "alt=sse" {
		t.Fatalf("stream: %d %s (query %q)", got.status, got.text, upstream.last().Query)
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

	upstream.set(func(f *fakeUpstream) {
		f.parts = []any{map[string]any{"functionCall": map[string]any{"name": "weather", "args": map[string]any{"city": "Lisbon"}}}}
	})
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

	upstream.setError("403", "", nil, "denied")
	expectError(t, call(t, "POST", url+"/chat/completions", streamed), "authentication_failed", 401)

	url = initializedWith(t, upstream.URL, map[string]any{"timeout": 1})
	for fault, code := range map[string]string{"break": "provider_unavailable", "cut": "provider_unavailable", "stall": "timeout", "unavailable": "provider_unavailable"} {
		upstream.setError(fault, "", nil, "")
		events := streamEvents(call(t, "POST", url+"/chat/completions", streamed).text)
		var failure map[string]any
		_ = json.Unmarshal([]byte(events[len(events)-2]), &failure)
		if events[len(events)-1] != "[DONE]" || failure["code"] != code || failure["transient"] != true {
			t.Fatalf("%s: events %v", fault, events)
		}
		if fault == "cut" || fault == "unavailable" {
			expectCutMessage(t, failure)
		}
		// The provider's own words, in the sentence of every error it reports mid-stream.
		if want := "the provider reported an error while streaming the answer (UNAVAILABLE: The model is overloaded. Please try again later.); retrying may work"; fault == "unavailable" && failure["message"] != want {
			t.Fatalf("unavailable: message %q, want %q", failure["message"], want)
		}
	}
}
