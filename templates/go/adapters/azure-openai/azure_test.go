package main

// What Azure adds to openai's chat_test.go (which runs against the Azure fake too): the
// deployments as /models, a very long retry wait as a spent quota, a configurable
// api-version.

import "testing"

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
