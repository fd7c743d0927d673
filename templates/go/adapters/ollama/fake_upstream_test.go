package main

// A tiny Ollama server for the tests (httptest, 127.0.0.1, no network). It answers
// GET /api/tags and POST /api/chat with an echo of the last user text, as one JSON
// object ("stream": false) or as NDJSON lines (Ollama's default). Set toolCalls to
// answer with those calls, doneReason to end otherwise. Set fault to make the next chat
// request fail: an HTTP status ("400", "503", ...) answered with {"error": "..."},
// "hang", "garbage" or "reset"; for a stream, "break", "cut", "stall" or "runner" (an
// {"error"} line after the first). A local Ollama takes no key.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
)

const testAPIKey = "ollama-test-key"

var testModels = []string{"llama-fake:latest", "llava-fake:7b"}

// testModel is the model the tests chat with.
var testModel = testModels[0]

// validConfig is an /initialize body that points the plugin at a fake upstream on url
// (no key: a local Ollama takes none).
func validConfig(url string, overrides map[string]any) map[string]any {
	return withOverrides(map[string]any{"endpoint": url}, overrides)
}

type fakeUpstream struct {
	fakeServer
	toolCalls  []any
	doneReason string
}

func (f *fakeUpstream) set(change func(f *fakeUpstream)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
}

func startFakeUpstream(t *testing.T) *fakeUpstream {
	t.Helper()
	fake := &fakeUpstream{doneReason: "stop"}
	fake.errorIsText = true // Ollama's errors are {"error": "<text>"} (the "echo-key" fault too)
	fake.serve(t, func(w http.ResponseWriter, r *http.Request, body map[string]any) {
		fake.mu.Lock()
		fault, retryAfter, toolCalls, doneReason := fake.fault, fake.retryAfter, fake.toolCalls, fake.doneReason
		fake.fault = ""
		fake.mu.Unlock()
		if r.Method == http.MethodGet && r.URL.Path == "/api/tags" {
			details := map[string]any{"format": "gguf", "family": "llama", "parameter_size": "3.2B", "quantization_level": "Q4_K_M"}
			models := []any{}
			for _, name := range testModels {
				models = append(models, map[string]any{"name": name, "model": name, "size": 1, "details": details})
			}
			writeJSON(w, 200, map[string]any{"models": models})
			return
		}
		switch {
		case fake.answerFault(w, r, fault, `{"message": `):
			return
		case fault != "" && fault != "break" && fault != "cut" && fault != "stall" && fault != "runner":
			status, _ := strconv.Atoi(fault)
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			writeJSON(w, status, map[string]any{"error": "fake error " + fault})
			return
		}
		model, _ := body["model"].(string)
		if !slices.Contains(testModels, model) {
			writeJSON(w, 404, map[string]any{"error": fmt.Sprintf("model '%s' not found", model)})
			return
		}
		text := ""
		messages, _ := body["messages"].([]any)
		for _, raw := range messages {
			if message, _ := raw.(map[string]any); message["role"] == "user" {
				text, _ = message["content"].(string)
			}
		}
		text = "echo: " + text
		last := map[string]any{"model": model, "done": true, "done_reason": doneReason, "prompt_eval_count": 3, "eval_count": 2}
		if body["stream"] == false {
			message := map[string]any{"role": "assistant", "content": text}
			if toolCalls != nil {
				message["content"], message["tool_calls"] = "", toolCalls
			}
			last["message"] = message
			writeJSON(w, 200, last)
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		line := func(data map[string]any) {
			encoded, _ := json.Marshal(data)
			fmt.Fprintf(w, "%s\n", encoded)
			w.(http.Flusher).Flush()
		}
		first := text[:len(text)/2]
		if toolCalls != nil {
			first = ""
		}
		line(map[string]any{"model": model, "message": map[string]any{"role": "assistant", "content": first}, "done": false})
		if fake.interrupt(w, r, fault) {
			return
		}
		switch fault {
		case "runner":
			line(map[string]any{"error": "an error was encountered while running the model: unexpected EOF"})
			return
		}
		if toolCalls != nil {
			line(map[string]any{"model": model, "message": map[string]any{"role": "assistant", "content": "", "tool_calls": toolCalls}, "done": false})
		} else {
			line(map[string]any{"model": model, "message": map[string]any{"role": "assistant", "content": text[len(text)/2:]}, "done": false})
		}
		last["message"] = map[string]any{"role": "assistant", "content": ""}
		line(last)
	})
	return fake
}
