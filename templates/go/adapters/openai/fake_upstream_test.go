package main

// The upstream the tests talk to: an OpenAI-compatible server (fake_openai_test.go) with
// this file's wire, and what the tests need to know about it. An API that extends openai
// (azure-openai) replaces only this file: fake_openai_test.go and chat_test.go are shared.

import (
	"net/http"
	"testing"
)

const testAPIKey = "sk-test-key"

var testModels = []string{"fake-small", "fake-large"}

// testModel is the model the tests chat with.
var testModel = testModels[0]

// validConfig is an /initialize body that points the plugin at a fake upstream on url.
func validConfig(url string, overrides map[string]any) map[string]any {
	return withOverrides(map[string]any{"api_key": testAPIKey, "endpoint": url}, overrides)
}

// contentFilterFault makes the upstream refuse a request as filtered content.
const contentFilterFault = "422"

// assertSentUpstream checks where and how a chat request reached the upstream.
func assertSentUpstream(t *testing.T, seen receivedRequest) {
	t.Helper()
	if seen.Path != "/chat/completions" || seen.Query != "" || seen.Header.Get("Authorization") != "Bearer "+testAPIKey {
		t.Fatalf("upstream saw %s?%s with %v", seen.Path, seen.Query, seen.Header)
	}
}

func startFakeUpstream(t *testing.T) *fakeUpstream {
	return startFakeOpenAI(t, fakeWire{
		authorised:   func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer "+testAPIKey },
		unauthorised: map[string]any{"error": map[string]any{"message": "bad key", "code": "invalid_api_key"}},
		answer: func(r *http.Request) *fakeAnswer {
			if r.Method != http.MethodGet || r.URL.Path != "/models" {
				return nil
			}
			data := []any{}
			for _, id := range testModels {
				data = append(data, map[string]any{"id": id, "object": "model"})
			}
			return &fakeAnswer{200, map[string]any{"object": "list", "data": data}}
		},
		errorBody: func(fault string) any {
			return map[string]any{"error": map[string]any{"message": "fault " + fault, "code": "fault"}}
		},
		modelOf: func(r *http.Request, body map[string]any) string {
			model, _ := body["model"].(string)
			return model
		},
		unknownModel: map[string]any{"error": map[string]any{"message": "unknown model", "code": "model_not_found"}},
	})
}
