package main

// A tiny Anthropic Messages API for the tests (httptest, 127.0.0.1, no network). It
// answers GET /v1/models (in pages of one, so paging is exercised) and POST /v1/messages
// with an echo of the last user text, as a message or as named SSE events. Set answer
// (and stopReason) to answer with those content blocks instead. Set fault to make the
// next chat request fail: an HTTP status ("401", "429", "529", ...) with Anthropic's
// error body, "hang", "garbage" or "reset"; for a stream, "break", "cut", "stall" or
// "overloaded" (an `event: error` after the first event).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const testAPIKey = "sk-ant-test-key"

var testModels = []string{"claude-fake-small", "claude-fake-large"}

// testModel is the model the tests chat with.
var testModel = testModels[0]

// validConfig is an /initialize body that points the plugin at a fake upstream on url.
func validConfig(url string, overrides map[string]any) map[string]any {
	return withOverrides(map[string]any{"api_key": testAPIKey, "endpoint": url}, overrides)
}

var fakeErrorTypes = map[int]string{
	400: "invalid_request_error", 401: "authentication_error", 402: "billing_error", 403: "permission_error",
	404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error", 500: "api_error", 504: "timeout_error", 529: "overloaded_error",
}

type fakeUpstream struct {
	fakeServer
	errorMessage string
	answer       []any
	stopReason   string
	usage        map[string]any
}

func lastUserText(body map[string]any) string {
	messages, _ := body["messages"].([]any)
	for i := len(messages) - 1; i >= 0; i-- {
		message, _ := messages[i].(map[string]any)
		if message["role"] == "user" {
			return textOf(message["content"])
		}
	}
	return ""
}

func startFakeUpstream(t *testing.T) *fakeUpstream {
	t.Helper()
	fake := &fakeUpstream{errorMessage: "fake error", stopReason: "end_turn", usage: map[string]any{"input_tokens": 3, "output_tokens": 2}}
	errorBody := func(status int, message string) map[string]any {
		kind, ok := fakeErrorTypes[status]
		if !ok {
			kind = "api_error"
		}
		return map[string]any{"type": "error", "error": map[string]any{"type": kind, "message": message}, "request_id": "req_fake"}
	}
	fake.serve(t, func(w http.ResponseWriter, r *http.Request, body map[string]any) {
		fake.mu.Lock()
		fault, retryAfter, message, answer, stopReason, usage := fake.fault, fake.retryAfter, fake.errorMessage, fake.answer, fake.stopReason, fake.usage
		fake.fault = ""
		fake.mu.Unlock()
		if r.Header.Get("x-api-key") != testAPIKey || r.Header.Get("anthropic-version") == "" {
			writeJSON(w, 401, errorBody(401, "invalid x-api-key"))
			return
		}
		if r.Method == http.MethodGet && r.URL.Path == "/v1/models" {
			start := slices.Index(testModels, r.URL.Query().Get("after_id")) + 1
			page := testModels[start : start+1]
			data := []any{map[string]any{"type": "model", "id": page[0], "display_name": strings.ToUpper(page[0]), "max_input_tokens": 200000, "max_tokens": 64000}}
			writeJSON(w, 200, map[string]any{"data": data, "has_more": start+1 < len(testModels), "first_id": page[0], "last_id": page[0]})
			return
		}
		switch {
		case fake.answerFault(w, r, fault, `{"content": [`):
			return
		case fault != "" && fault != "break" && fault != "cut" && fault != "stall" && fault != "overloaded":
			status, _ := strconv.Atoi(fault)
			if retryAfter != "" {
				w.Header().Set("retry-after", retryAfter)
			}
			writeJSON(w, status, errorBody(status, message))
			return
		}
		model, _ := body["model"].(string)
		if !slices.Contains(testModels, model) {
			writeJSON(w, 404, errorBody(404, "model: "+model))
			return
		}
		blocks := answer
		if blocks == nil {
			blocks = []any{map[string]any{"type": "text", "text": "echo: " + lastUserText(body)}}
		}
		if body["stream"] != true {
			writeJSON(w, 200, map[string]any{"id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": blocks, "stop_reason": stopReason, "usage": usage})
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		sse := func(name string, data map[string]any) {
			encoded, _ := json.Marshal(data)
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, encoded)
			w.(http.Flusher).Flush()
		}
		start := map[string]any{"id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": []any{}, "usage": map[string]any{"input_tokens": usage["input_tokens"], "output_tokens": 1}}
		sse("message_start", map[string]any{"type": "message_start", "message": start})
		if fake.interrupt(w, r, fault) {
			return
		}
		switch fault {
		case "overloaded":
			sse("error", map[string]any{"type": "error", "error": map[string]any{"type": "overloaded_error", "message": "Overloaded"}})
			return
		}
		sse("ping", map[string]any{"type": "ping"})
		for index, raw := range blocks {
			block := raw.(map[string]any)
			if block["type"] == "text" {
				sse("content_block_start", map[string]any{"type": "content_block_start", "index": index, "content_block": map[string]any{"type": "text", "text": ""}})
				text := block["text"].(string)
				for _, piece := range []string{text[:len(text)/2], text[len(text)/2:]} {
					sse("content_block_delta", map[string]any{"type": "content_block_delta", "index": index, "delta": map[string]any{"type": "text_delta", "text": piece}})
				}
			} else {
				opening := map[string]any{"type": "tool_use", "id": block["id"], "name": block["name"], "input": map[string]any{}}
				sse("content_block_start", map[string]any{"type": "content_block_start", "index": index, "content_block": opening})
				arguments, _ := json.Marshal(block["input"])
				for _, piece := range []string{string(arguments[:5]), string(arguments[5:])} {
					sse("content_block_delta", map[string]any{"type": "content_block_delta", "index": index, "delta": map[string]any{"type": "input_json_delta", "partial_json": piece}})
				}
			}
			sse("content_block_stop", map[string]any{"type": "content_block_stop", "index": index})
		}
		sse("message_delta", map[string]any{"type": "message_delta", "delta": map[string]any{"stop_reason": stopReason}, "usage": map[string]any{"output_tokens": usage["output_tokens"]}})
		sse("message_stop", map[string]any{"type": "message_stop"})
	})
	return fake
}
