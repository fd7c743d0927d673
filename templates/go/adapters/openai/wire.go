package main

// wire.go: what differs between OpenAI-compatible dialects. This is the plain OpenAI
// wire: {endpoint}/chat/completions with a Bearer token, and the upstream's /models.
// An adapter that extends this one (Azure OpenAI) replaces this file and
// upstream_errors.go and keeps the rest.

import (
	"context"
	"net/http"
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
		return nil, newError("internal_error", "the upstream's model list is not a list")
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
