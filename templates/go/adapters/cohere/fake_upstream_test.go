package main

// A tiny Cohere v2 Chat API for the tests (httptest, 127.0.0.1, no network). It answers
// GET /v1/models (in pages of one) and POST /v2/chat with an echo of the last user text,
// as a response or as typed SSE events. Set toolCalls to answer with those calls,
// finishReason to end otherwise. Set fault to make the next chat request fail: an HTTP
// status ("400", "402", "503", ...) answered with {"message": "..."}, "hang", "garbage"
// or "reset"; for a stream, "break", "cut", "stall" or "error" (a message-end with ERROR).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
)

const testAPIKey = "co-test-key"

var testModels = []string{"command-fake", "command-fake-vision"}

// testModel is the model the tests chat with.
var testModel = testModels[0]

// validConfig is an /initialize body that points the plugin at a fake upstream on url.
func validConfig(url string, overrides map[string]any) map[string]any {
	return withOverrides(map[string]any{"api_key": testAPIKey, "endpoint": url}, overrides)
}

type fakeUpstream struct {
	fakeServer
	toolCalls    []any
	finishReason string
}

func (f *fakeUpstream) set(change func(f *fakeUpstream)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
}

func startFakeUpstream(t *testing.T) *fakeUpstream {
	t.Helper()
	fake := &fakeUpstream{finishReason: "COMPLETE"}
	fake.serve(t, func(w http.ResponseWriter, r *http.Request, body map[string]any) {
		fake.mu.Lock()
		fault, retryAfter, toolCalls, finish := fake.fault, fake.retryAfter, fake.toolCalls, fake.finishReason
		fake.fault = ""
		fake.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+testAPIKey {
			writeJSON(w, 401, map[string]any{"message": "invalid api token"})
			return
		}
		if r.Method == http.MethodGet && r.URL.Path == "/v1/models" {
			start, _ := strconv.Atoi(r.URL.Query().Get("page_token"))
			features := [][]any{{"tools"}, {"tools", "vision"}}
			page := map[string]any{"models": []any{map[string]any{"name": testModels[start], "endpoints": []any{"chat"}, "context_length": 128000, "features": features[start]}}}
			if start+1 < len(testModels) {
				page["next_page_token"] = strconv.Itoa(start + 1)
			}
			writeJSON(w, 200, page)
			return
		}
		switch {
		case fake.answerFault(w, r, fault, `{"message": [`):
			return
		case fault != "" && fault != "break" && fault != "cut" && fault != "stall" && fault != "error":
			status, _ := strconv.Atoi(fault)
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			writeJSON(w, status, map[string]any{"message": "fake error " + fault})
			return
		}
		model, _ := body["model"].(string)
		if !slices.Contains(testModels, model) {
			writeJSON(w, 404, map[string]any{"message": fmt.Sprintf("model '%s' not found, make sure the correct model ID was used", model)})
			return
		}
		text := ""
		messages, _ := body["messages"].([]any)
		for _, raw := range messages {
			if message, _ := raw.(map[string]any); message["role"] == "user" {
				text = textOf(message["content"])
			}
		}
		text = "echo: " + text
		usage := map[string]any{"billed_units": map[string]any{"input_tokens": 1, "output_tokens": 2}, "tokens": map[string]any{"input_tokens": 3, "output_tokens": 2}}
		if body["stream"] != true {
			message := map[string]any{"role": "assistant", "content": []any{map[string]any{"type": "text", "text": text}}}
			if toolCalls != nil {
				message["content"], message["tool_plan"], message["tool_calls"] = []any{}, "I will look it up.", toolCalls
			}
			writeJSON(w, 200, map[string]any{"id": "c-fake", "finish_reason": finish, "message": message, "usage": usage})
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		sse := func(data map[string]any) {
			encoded, _ := json.Marshal(data)
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", data["type"], encoded)
			w.(http.Flusher).Flush()
		}
		sse(map[string]any{"id": "c-fake", "type": "message-start", "delta": map[string]any{"message": map[string]any{"role": "assistant"}}})
		if fake.interrupt(w, r, fault) {
			return
		}
		switch fault {
		case "error":
			sse(map[string]any{"type": "message-end", "delta": map[string]any{"finish_reason": "ERROR", "error": "internal server error while generating"}})
			return
		}
		if toolCalls != nil {
			for index, raw := range toolCalls {
				call := raw.(map[string]any)
				function := call["function"].(map[string]any)
				start := map[string]any{"id": call["id"], "type": "function", "function": map[string]any{"name": function["name"], "arguments": ""}}
				sse(map[string]any{"type": "tool-call-start", "index": index, "delta": map[string]any{"message": map[string]any{"tool_calls": start}}})
				arguments := function["arguments"].(string)
				for _, piece := range []string{arguments[:5], arguments[5:]} {
					sse(map[string]any{"type": "tool-call-delta", "index": index, "delta": map[string]any{"message": map[string]any{"tool_calls": map[string]any{"function": map[string]any{"arguments": piece}}}}})
				}
			}
		} else {
			for _, piece := range []string{text[:len(text)/2], text[len(text)/2:]} {
				sse(map[string]any{"type": "content-delta", "index": 0, "delta": map[string]any{"message": map[string]any{"content": map[string]any{"text": piece}}}})
			}
		}
		sse(map[string]any{"type": "message-end", "delta": map[string]any{"finish_reason": finish, "usage": usage}})
		fmt.Fprint(w, "data: [DONE]\n\n")
	})
	return fake
}
