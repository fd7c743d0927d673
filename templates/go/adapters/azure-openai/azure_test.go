package main

// What Azure adds to openai's chat_test.go (which runs against the Azure fake too): the
// deployments as /models, a very long retry wait as a spent quota, a configurable
// api-version.

import (
	"encoding/json"
	"testing"
)

func TestModelsAreTheConfiguredDeployments(t *testing.T) {
	url := initialized(t, startFakeUpstream(t))
	models := call(t, "GET", url+"/models", nil).list
	if len(models) != 2 || models[0].(map[string]any)["id"] != testModels[0] || models[1].(map[string]any)["id"] != testModels[1] {
		t.Fatalf("models are the configured deployments: %v", models)
	}
}

func TestALongRetryWaitIsASpentQuota(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	upstream.setFault("429", "86400")
	expectError(t, call(t, "POST", url+"/chat/completions", hello), "quota_exceeded", 402)
}

func TestTheAPIVersionIsConfigurable(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initializedWith(t, upstream.URL, map[string]any{"api_version": "2025-01-01-preview"})
	call(t, "POST", url+"/chat/completions", hello)
	if query := upstream.last().Query; query != "api-version=2025-01-01-preview" {
		t.Fatalf("api-version: %s", query)
	}
}

// An error event inside the stream is classified by its code, as an error answer is: Azure's
// bodies carry the status as their code (429: a rate limit, worth a retry), and a spent
// quota is quota_exceeded, not a rate limit that retrying may cure.
func TestAzureErrorsInTheStreamAreClassifiedByTheirCode(t *testing.T) {
	if !capabilities["streaming"] {
		t.Skip("streaming capability is off")
	}
	cases := []struct {
		name, code, message, wantCode, wantMessage string
		transient                                  bool
	}{
		{"status as code", "429", "Rate limit is exceeded. Try again in 2 seconds.", "rate_limit_exceeded",
			"the provider reported an error while streaming the answer (429: Rate limit is exceeded. Try again in 2 seconds.); retrying may work", true},
		{"spent quota", "insufficient_quota", "You exceeded your current quota.", "quota_exceeded",
			"the provider reported an error while streaming the answer (insufficient_quota: You exceeded your current quota.)", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			upstream := startFakeUpstream(t)
			url := initialized(t, upstream)
			upstream.setFault("stream-error-object", "")
			upstream.setStreamError(map[string]any{"code": c.code, "message": c.message})
			events := dataEvents(call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": hello["messages"], "stream": true}).text)
			var failure map[string]any
			_ = json.Unmarshal([]byte(events[len(events)-2]), &failure)
			if failure["code"] != c.wantCode || failure["transient"] != c.transient || failure["message"] != c.wantMessage || events[len(events)-1] != "[DONE]" {
				t.Fatalf("events %v", events)
			}
			expectNoMadeUpDetails(t, failure)
		})
	}
}
