package main

// The upstream the tests talk to: a fake Azure OpenAI resource, served by openai's
// fake_openai_test.go with Azure's wire, and what the tests need to know about it. It
// serves POST /openai/deployments/{deployment}/chat/completions?api-version=... for the
// deployments in testModels, wants the api-key header, answers Azure's error bodies,
// "filtered" as Azure's 400 content_filter, and starts a stream with Azure's filter-only
// chunk. openai's chat_test.go runs against it; azure_test.go adds what only Azure does.

import (
	"net/http"
	"strings"
	"testing"
)

const testAPIKey = "azure-test-key"

const testAPIVersion = "2024-10-21"

var testModels = []string{"fake-small", "fake-large"}

// testModel is the model (deployment) the tests chat with.
var testModel = testModels[0]

// validConfig is an /initialize body that points the plugin at a fake upstream on url.
func validConfig(url string, overrides map[string]any) map[string]any {
	return withOverrides(map[string]any{"api_key": testAPIKey, "endpoint": url, "deployment": strings.Join(testModels, ",")}, overrides)
}

// contentFilterFault makes the upstream refuse a request as filtered content.
const contentFilterFault = "filtered"

// assertSentUpstream checks where and how a chat request reached the upstream.
func assertSentUpstream(t *testing.T, seen receivedRequest) {
	t.Helper()
	if seen.Path != "/openai/deployments/"+testModel+"/chat/completions" || seen.Query != "api-version="+testAPIVersion ||
		seen.Header.Get("api-key") != testAPIKey || seen.Header.Get("Authorization") != "" {
		t.Fatalf("upstream saw %s?%s with %v", seen.Path, seen.Query, seen.Header)
	}
}

func startFakeUpstream(t *testing.T) *fakeUpstream {
	filtered := map[string]any{"error": map[string]any{
		"message": "The response was filtered", "param": "prompt", "code": "content_filter", "status": 400,
		"innererror": map[string]any{"code": "ResponsibleAIPolicyViolation", "content_filter_result": map[string]any{"hate": map[string]any{"filtered": true, "severity": "high"}}},
	}}
	return startFakeOpenAI(t, fakeWire{
		authorised:   func(r *http.Request) bool { return r.Header.Get("api-key") == testAPIKey },
		unauthorised: map[string]any{"error": map[string]any{"code": "401", "message": "Access denied due to invalid subscription key or wrong API endpoint."}},
		answer: func(r *http.Request) *fakeAnswer {
			if r.URL.Query().Get("api-version") != "" {
				return nil
			}
			return &fakeAnswer{400, map[string]any{"error": map[string]any{"code": "BadRequest", "message": "Missing the required query parameter api-version."}}}
		},
		errorBody: func(fault string) any {
			return map[string]any{"error": map[string]any{"code": fault, "message": "fault " + fault}}
		},
		faults: map[string]fakeAnswer{"filtered": {400, filtered}},
		modelOf: func(r *http.Request, body map[string]any) string {
			return strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/openai/deployments/"), "/chat/completions")
		},
		unknownModel: map[string]any{"error": map[string]any{"code": "DeploymentNotFound", "message": "The API deployment for this resource does not exist."}},
		// Azure's first chunk: no choices, only the prompt's filter results.
		firstChunk: `{"id":"","object":"","created":0,"model":"","choices":[],"prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}`,
	})
}
