package main

// wire.go: what differs between OpenAI-compatible dialects. This is the plain OpenAI
// wire: {endpoint}/chat/completions with a Bearer token, and the upstream's /models.
// An adapter that extends this one (Azure OpenAI) replaces this file and keeps the rest.

import (
	"context"
	"net/http"
	"slices"
)

// wire holds the dialect's own config; plain OpenAI needs none.
type wire struct{}

func newWire(config Config) wire { return wire{} }

// baseURL is the URL every path is appended to.
func (wire) baseURL(endpoint string) string { return endpoint }

func (wire) authorize(request *http.Request, apiKey string) {
	request.Header.Set("Authorization", "Bearer "+apiKey)
}

func (wire) chatPath(request map[string]any) string { return "/chat/completions" }

// keepChunk says whether a stream chunk is passed on; OpenAI sends none to drop.
func (wire) keepChunk(chunk map[string]any) bool { return true }

// isContentFilter: an error answer that refuses the content (codes: the error's code, then
// its innererror's; see upstream_errors.go).
func (wire) isContentFilter(status int, codes []string) bool {
	return status == 422 || slices.Contains(codes, "content_filter") || slices.Contains(codes, "content_policy_violation")
}

// isSpentQuota: an error answer (besides 402) that says the quota is spent.
func (wire) isSpentQuota(status int, codes []string, wait int) bool {
	return codes[0] == "insufficient_quota"
}

// retryWait is the seconds a rate-limited answer asks to wait.
func (wire) retryWait(header http.Header) int { return parseRetryAfter(header.Get("Retry-After")) }

// ListModels maps the upstream's OpenAI list to Loom's bare array of models.
func (u *Upstream) ListModels(ctx context.Context) ([]map[string]any, *PluginError) {
	data, perr := u.getJSON(ctx, http.MethodGet, "/models", nil)
	if perr != nil {
		return nil, perr
	}
	items, ok := data.([]any)
	if object, isObject := data.(map[string]any); isObject {
		items, ok = object["data"].([]any)
	}
	if !ok {
		return nil, newError("internal_error", "the provider's model list is not a list")
	}
	models := []map[string]any{}
	seen := map[string]bool{}
	for _, item := range items {
		object, _ := item.(map[string]any)
		id, _ := object["id"].(string)
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		name, _ := object["name"].(string)
		if name == "" {
			name = id
		}
		models = append(models, map[string]any{"id": id, "name": name})
	}
	return models, nil
}
