package main

// A tiny Azure OpenAI resource for the tests (httptest, 127.0.0.1, no network). It
// serves POST /openai/deployments/{deployment}/chat/completions?api-version=... for the
// deployments in testModels (OpenAI's body and stream; the stream starts with Azure's
// filter-only chunk) and wants the api-key header. Set fault to make the next chat
// request fail: an HTTP status ("401", "429", ...) with Azure's error body, "filtered"
// (400 content_filter), "hang", "garbage" or "reset"; for a stream, "break" or "stall".

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const testAPIKey = "azure-test-key"

const testAPIVersion = "2024-10-21"

var testModels = []string{"fake-small", "fake-large"}

// testModel is the model the tests chat with.
var testModel = testModels[0]

// validConfig is an /initialize body that points the plugin at a fake upstream on url.
func validConfig(url string, overrides map[string]any) map[string]any {
	config := map[string]any{"api_key": testAPIKey, "endpoint": url, "deployment": strings.Join(testModels, ",")}
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
	received   []receivedRequest
	closing    chan struct{}
}

type receivedRequest struct {
	Path   string
	Query  string
	Header http.Header
	Body   map[string]any
}

func (f *fakeUpstream) setFault(fault, retryAfter string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault, f.retryAfter = fault, retryAfter
}

func (f *fakeUpstream) last() receivedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.received[len(f.received)-1]
}

func startFakeUpstream(t *testing.T) *fakeUpstream {
	t.Helper()
	fake := &fakeUpstream{closing: make(chan struct{})}
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
			fake.received = append(fake.received, receivedRequest{r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
		}
		fault, retryAfter := fake.fault, fake.retryAfter
		fake.fault = ""
		fake.mu.Unlock()
		if r.Header.Get("api-key") != testAPIKey {
			send(w, 401, map[string]any{"error": map[string]any{"code": "401", "message": "Access denied due to invalid subscription key or wrong API endpoint."}})
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
			_, _ = w.Write([]byte(`{"choices": [`))
			return
		case fault == "filtered":
			inner := map[string]any{"code": "ResponsibleAIPolicyViolation", "content_filter_result": map[string]any{"hate": map[string]any{"filtered": true, "severity": "high"}}}
			send(w, 400, map[string]any{"error": map[string]any{"message": "The response was filtered", "param": "prompt", "code": "content_filter", "status": 400, "innererror": inner}})
			return
		case fault != "" && fault != "break" && fault != "stall":
			status, _ := strconv.Atoi(fault)
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			send(w, status, map[string]any{"error": map[string]any{"code": fault, "message": "fault " + fault}})
			return
		}
		if r.URL.Query().Get("api-version") == "" {
			send(w, 400, map[string]any{"error": map[string]any{"code": "BadRequest", "message": "Missing the required query parameter api-version."}})
			return
		}
		model := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/openai/deployments/"), "/chat/completions")
		if model != testModels[0] && model != testModels[1] {
			send(w, 404, map[string]any{"error": map[string]any{"code": "DeploymentNotFound", "message": "The API deployment for this resource does not exist."}})
			return
		}
		messages, _ := body["messages"].([]any)
		last, _ := messages[len(messages)-1].(map[string]any)
		reply := fmt.Sprintf("echo: %v", last["content"])
		if body["stream"] == true {
			w.Header().Set("Content-Type", "text/event-stream")
			// Azure's first chunk: no choices, only the prompt's filter results.
			fmt.Fprint(w, `data: {"id":"","object":"","created":0,"model":"","choices":[],"prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}`+"\n\n")
			for index, word := range strings.Split(reply, " ") {
				if index > 0 {
					word = " " + word
				}
				chunk, _ := json.Marshal(map[string]any{
					"id": "chatcmpl-2", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
					"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": word}, "finish_reason": nil}},
				})
				fmt.Fprintf(w, "data: %s\n\n", chunk)
				w.(http.Flusher).Flush()
				if fault == "stall" {
					select {
					case <-fake.closing:
					case <-r.Context().Done():
					}
					return
				}
				if fault == "break" {
					conn, _, _ := w.(http.Hijacker).Hijack()
					conn.Close() // the chunked body ends without its terminating chunk
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
			fmt.Fprint(w, "data: [DONE]\n\n")
			return
		}
		// created as a float and content as a list of parts, on purpose: the plugin
		// must send an integer and a string.
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1700000000.0,"model":%q,`+
			`"choices":[{"index":0,"message":{"role":"assistant","content":[{"type":"text","text":%q}]},"finish_reason":"stop"}],`+
			`"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}`, model, reply)
	}))
	t.Cleanup(func() {
		close(fake.closing)
		fake.Server.CloseClientConnections()
		fake.Server.Close()
	})
	return fake
}
