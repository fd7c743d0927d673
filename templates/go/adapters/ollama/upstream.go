package main

// The upstream provider: an Ollama server (POST /api/chat, GET /api/tags). This adapter
// is the only part of the plugin that knows Ollama: messages.go maps requests and
// answers, stream.go turns Ollama's NDJSON lines into OpenAI-style chunks,
// upstream_errors.go maps Ollama's errors to Loom's codes.

import (
	"context"
	"net/http"
	"strings"
)

// Upstream calls Ollama with the initialized config (HTTP plumbing: upstream_http.go).
type Upstream struct{ httpUpstream }

func newUpstream(config Config) *Upstream {
	return &Upstream{newHTTPUpstream(config, upstreamHooks{authorize: authorize, errorFromResponse: errorFromResponse})}
}

// authorize: a local Ollama takes no key; ollama.com wants a Bearer.
func authorize(request *http.Request, apiKey string) {
	if apiKey != "" {
		request.Header.Set("Authorization", "Bearer "+apiKey)
	}
}

// ListModels maps /api/tags to Loom's bare array of models.
func (u *Upstream) ListModels(ctx context.Context) ([]map[string]any, *PluginError) {
	data, perr := u.getObject(ctx, http.MethodGet, "/api/tags", nil)
	if perr != nil {
		return nil, perr
	}
	items, ok := data["models"].([]any)
	if !ok {
		return nil, newError("internal_error", "the provider's model list is not a list")
	}
	models := []map[string]any{}
	seen := map[string]bool{}
	for _, item := range items {
		object, _ := item.(map[string]any)
		name, _ := object["name"].(string)
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		models = append(models, modelOf(object, name))
	}
	return models, nil
}

// modelOf is one Loom model entry. /api/tags does not say which models take tools or
// images (only /api/show does, one model at a time): it claims streaming, which every
// Ollama model does.
func modelOf(item map[string]any, name string) map[string]any {
	model := map[string]any{"id": name, "name": name, "capabilities": map[string]any{"streaming": true}}
	details, _ := item["details"].(map[string]any)
	size := []string{}
	for _, key := range []string{"parameter_size", "quantization_level"} {
		if value, _ := details[key].(string); value != "" {
			size = append(size, value)
		}
	}
	if len(size) > 0 {
		family, _ := details["family"].(string)
		if family == "" {
			family = "model"
		}
		model["description"] = family + " " + strings.Join(size, " ")
	}
	return model
}

// Chat sends one non-streamed chat request (Ollama streams unless told not to).
func (u *Upstream) Chat(ctx context.Context, request map[string]any) (map[string]any, *PluginError) {
	body, perr := toOllama(request)
	if perr != nil {
		return nil, perr
	}
	body["stream"] = false
	data, perr := u.getObject(ctx, http.MethodPost, "/api/chat", body)
	if perr != nil {
		return nil, perr
	}
	return fromResponse(data, request)
}
