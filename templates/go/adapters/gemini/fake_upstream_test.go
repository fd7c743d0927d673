package main

// A tiny Gemini API (v1beta) for the tests (httptest, 127.0.0.1, no network). It answers
// GET /v1beta/models (in pages of one, with an embedding model that cannot chat) and
// POST /v1beta/models/{model}:generateContent (or :streamGenerateContent?alt=sse) with an
// echo of the last user text. Set parts (and finishReason) to answer with those parts
// instead, blocked to block the prompt. Set fault to make the next chat request fail: an
// HTTP status ("400", "429", "503", ...) with a google.rpc.Status body (rpc, details),
// "hang", "garbage" or "reset"; for a stream, "break", "cut", "stall" or "unavailable" (a
// `data: {"error": ...}` after the first chunk).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const testAPIKey = "AIza-test-key"

var testModels = []string{"gemini-fake-flash", "gemini-fake-pro"}

// testModel is the model the tests chat with.
var testModel = testModels[0]

// validConfig is an /initialize body that points the plugin at a fake upstream on url.
func validConfig(url string, overrides map[string]any) map[string]any {
	return withOverrides(map[string]any{"api_key": testAPIKey, "endpoint": url}, overrides)
}

var fakeRPC = map[int]string{400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}

var fakeChat = regexp.MustCompile(`^/v1beta/models/([^/:]+):(generateContent|streamGenerateContent)$`)

func statusBody(code int, message, rpc string, details []any) map[string]any {
	if rpc == "" {
		rpc = fakeRPC[code]
	}
	body := map[string]any{"code": code, "message": message, "status": rpc}
	if details != nil {
		body["details"] = details
	}
	return map[string]any{"error": body}
}

type fakeUpstream struct {
	fakeServer
	rpc          string
	details      []any
	errorMessage string
	parts        []any
	finishReason string
	blocked      bool
	usage        map[string]any
}

// setFault is what the shared tests use: a fault, and a Retry-After header value
// (Gemini sends its wait in RetryInfo instead, so it is ignored here).
func (f *fakeUpstream) setFault(fault, _ string) { f.setError(fault, "", nil, "fake error") }

// setError makes the next chat request fail with a google.rpc.Status of this kind.
func (f *fakeUpstream) setError(fault, rpc string, details []any, message string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault, f.rpc, f.details, f.errorMessage = fault, rpc, details, message
}

func (f *fakeUpstream) set(change func(f *fakeUpstream)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
}

func lastUserText(body map[string]any) string {
	contents, _ := body["contents"].([]any)
	for i := len(contents) - 1; i >= 0; i-- {
		content, _ := contents[i].(map[string]any)
		if content["role"] == "user" {
			return textOf(content["parts"])
		}
	}
	return ""
}

func startFakeUpstream(t *testing.T) *fakeUpstream {
	t.Helper()
	fake := &fakeUpstream{errorMessage: "fake error", finishReason: "STOP", usage: map[string]any{"promptTokenCount": 3, "candidatesTokenCount": 2, "totalTokenCount": 5}}
	answer := func(parts []any, finish string, usage map[string]any) map[string]any {
		candidate := map[string]any{"content": map[string]any{"role": "model", "parts": parts}, "index": 0}
		if finish != "" {
			candidate["finishReason"] = finish
		}
		return map[string]any{"candidates": []any{candidate}, "usageMetadata": usage, "modelVersion": testModel, "responseId": "resp-fake"}
	}
	fake.serve(t, func(w http.ResponseWriter, r *http.Request, body map[string]any) {
		fake.mu.Lock()
		fault, rpc, details, message, parts, finish, isBlocked, usage := fake.fault, fake.rpc, fake.details, fake.errorMessage, fake.parts, fake.finishReason, fake.blocked, fake.usage
		fake.fault = ""
		fake.mu.Unlock()
		if r.Header.Get("x-goog-api-key") != testAPIKey {
			writeJSON(w, 400, statusBody(400, "API key not valid. Please pass a valid API key.", "", []any{map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}}))
			return
		}
		if r.Method == http.MethodGet && r.URL.Path == "/v1beta/models" {
			models := []any{}
			for _, id := range testModels {
				models = append(models, map[string]any{"name": "models/" + id, "displayName": strings.ToUpper(id), "supportedGenerationMethods": []any{"generateContent", "streamGenerateContent"}, "inputTokenLimit": 1048576, "outputTokenLimit": 8192})
			}
			models = append(models, map[string]any{"name": "models/fake-embedding", "supportedGenerationMethods": []any{"embedContent"}})
			start, _ := strconv.Atoi(r.URL.Query().Get("pageToken"))
			page := map[string]any{"models": models[start : start+1]}
			if start+1 < len(models) {
				page["nextPageToken"] = strconv.Itoa(start + 1)
			}
			writeJSON(w, 200, page)
			return
		}
		switch {
		case fake.answerFault(w, r, fault, `{"candidates": [`):
			return
		case fault != "" && fault != "break" && fault != "cut" && fault != "stall" && fault != "unavailable":
			status, _ := strconv.Atoi(fault)
			writeJSON(w, status, statusBody(status, message, rpc, details))
			return
		}
		match := fakeChat.FindStringSubmatch(r.URL.Path)
		if match == nil || !slices.Contains(testModels, match[1]) {
			writeJSON(w, 404, statusBody(404, "models/? is not found for API version v1beta", "", nil))
			return
		}
		if isBlocked {
			writeJSON(w, 200, map[string]any{"promptFeedback": map[string]any{"blockReason": "SAFETY"}, "usageMetadata": map[string]any{"promptTokenCount": 3}})
			return
		}
		if parts == nil {
			parts = []any{map[string]any{"text": "echo: " + lastUserText(body)}}
		}
		if match[2] == "generateContent" {
			writeJSON(w, 200, answer(parts, finish, usage))
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		sse := func(data map[string]any) {
			encoded, _ := json.Marshal(data)
			fmt.Fprintf(w, "data: %s\r\n\r\n", encoded)
			w.(http.Flusher).Flush()
		}
		text, rest := "", []any{}
		for _, raw := range parts {
			if value, ok := raw.(map[string]any)["text"].(string); ok && text == "" {
				text = value
			} else {
				rest = append(rest, raw)
			}
		}
		sse(answer([]any{map[string]any{"text": text[:len(text)/2]}}, "", map[string]any{"promptTokenCount": 3}))
		if fake.interrupt(w, r, fault) {
			return
		}
		switch fault {
		case "unavailable":
			sse(statusBody(503, "The model is overloaded. Please try again later.", "", nil))
			return
		}
		sse(answer(append([]any{map[string]any{"text": text[len(text)/2:]}}, rest...), finish, usage))
	})
	return fake
}
