package main

// A tiny Ollama server for the tests (httptest, 127.0.0.1, no network). It answers
// GET /api/tags and POST /api/chat with an echo of the last user text, as one JSON
// object ("stream": false) or as NDJSON lines (Ollama's default). Set toolCalls to
// answer with those calls, doneReason to end otherwise. Set fault to make the next chat
// request fail: an HTTP status ("400", "503", ...) answered with {"error": "..."},
// "hang", "garbage" or "reset"; for a stream, "break", "stall" or "runner" (an
// {"error"} line after the first). A local Ollama takes no key.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
)

const testAPIKey = "ollama-test-key"

var testModels = []string{"llama-fake:latest", "llava-fake:7b"}

// testModel is the model the tests chat with.
var testModel = testModels[0]

// validConfig is an /initialize body that points the plugin at a fake upstream on url
// (no key: a local Ollama takes none).
func validConfig(url string, overrides map[string]any) map[string]any {
	config := map[string]any{"endpoint": url}
	for key, value := range overrides {
		config[key] = value
	}
	return config
}

type fakeUpstream struct {
	*httptest.Server
	mu         sync.Mutex
	fault      string
	retryAfter string
	toolCalls  []any
	doneReason string
	received   []receivedRequest
	closing    chan struct{}
}

type receivedRequest struct {
	Path   string
	Header http.Header
	Body   map[string]any
}

func (f *fakeUpstream) setFault(fault, retryAfter string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault, f.retryAfter = fault, retryAfter
}

func (f *fakeUpstream) set(change func(f *fakeUpstream)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
}

func (f *fakeUpstream) last() receivedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.received[len(f.received)-1]
}

func startFakeUpstream(t *testing.T) *fakeUpstream {
	t.Helper()
	fake := &fakeUpstream{closing: make(chan struct{}), doneReason: "stop"}
	send := func(w http.ResponseWriter, status int, payload any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(payload)
	}
	fake.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		fake.mu.Lock()
		if r.Method == http.MethodPost {
			fake.received = append(fake.received, receivedRequest{r.URL.Path, r.Header.Clone(), body})
		}
		fault, retryAfter, toolCalls, doneReason := fake.fault, fake.retryAfter, fake.toolCalls, fake.doneReason
		fake.fault = ""
		fake.mu.Unlock()
		if r.Method == http.MethodGet && r.URL.Path == "/api/tags" {
			details := map[string]any{"format": "gguf", "family": "llama", "parameter_size": "3.2B", "quantization_level": "Q4_K_M"}
			models := []any{}
			for _, name := range testModels {
				models = append(models, map[string]any{"name": name, "model": name, "size": 1, "details": details})
			}
			send(w, 200, map[string]any{"models": models})
			return
		}
		switch {
		case fault == "hang":
			select {
			case <-fake.closing:
			case <-r.Context().Done():
			}
			return
		case fault == "reset":
			conn, _, _ := w.(http.Hijacker).Hijack()
			if tcp, ok := conn.(interface{ SetLinger(int) error }); ok {
				_ = tcp.SetLinger(0) // close with a TCP reset
			}
			conn.Close()
			return
		case fault == "garbage":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"message": `))
			return
		case fault != "" && fault != "break" && fault != "stall" && fault != "runner":
			status, _ := strconv.Atoi(fault)
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			send(w, status, map[string]any{"error": "fake error " + fault})
			return
		}
		model, _ := body["model"].(string)
		if !slices.Contains(testModels, model) {
			send(w, 404, map[string]any{"error": fmt.Sprintf("model '%s' not found", model)})
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
			send(w, 200, last)
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
		switch fault {
		case "stall":
			select {
			case <-fake.closing:
			case <-r.Context().Done():
			}
			return
		case "break":
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close() // the chunked body ends without its terminating chunk
			return
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
	}))
	t.Cleanup(func() {
		close(fake.closing)
		fake.Server.CloseClientConnections()
		fake.Server.Close()
	})
	return fake
}
