package main

// The upstream provider: Cohere's v2 Chat API (POST /v2/chat, GET /v1/models). This
// adapter is the only part of the plugin that knows Cohere: messages.go maps requests and
// answers, stream.go turns Cohere's typed events into OpenAI-style chunks,
// upstream_errors.go maps Cohere's errors to Loom's codes.

import (
	"context"
	"net/http"
	"net/url"
)

// maxModelPages bounds the model list's paging (enough for any real list).
const maxModelPages = 20

// Upstream calls Cohere with the initialized config (HTTP plumbing: upstream_http.go).
type Upstream struct{ httpUpstream }

func newUpstream(config Config) *Upstream {
	return &Upstream{newHTTPUpstream(config, upstreamHooks{authorize: authorize, errorFromResponse: errorFromResponse})}
}

func authorize(request *http.Request, apiKey string) {
	request.Header.Set("Authorization", "Bearer "+apiKey)
}

// ListModels follows Cohere's pages (page_token) of chat models.
func (u *Upstream) ListModels(ctx context.Context) ([]map[string]any, *PluginError) {
	models := []map[string]any{}
	seen := map[string]bool{}
	token := ""
	for page := 0; page < maxModelPages; page++ {
		query := "?endpoint=chat&page_size=1000"
		if token != "" {
			query += "&page_token=" + url.QueryEscape(token)
		}
		data, perr := u.getObject(ctx, http.MethodGet, "/v1/models"+query, nil)
		if perr != nil {
			return nil, perr
		}
		items, ok := data["models"].([]any)
		if !ok {
			return nil, newError("internal_error", "the provider's model list is not a list")
		}
		for _, item := range items {
			object, _ := item.(map[string]any)
			name, _ := object["name"].(string)
			if name == "" || seen[name] {
				continue
			}
			seen[name] = true
			models = append(models, modelOf(object, name))
		}
		token, _ = data["next_page_token"].(string)
		if token == "" {
			break
		}
	}
	return models, nil
}

// modelOf is one Loom model entry; Cohere's features say what the model can do.
func modelOf(item map[string]any, name string) map[string]any {
	features := map[string]bool{}
	listed, _ := item["features"].([]any)
	for _, feature := range listed {
		if text, ok := feature.(string); ok {
			features[text] = true
		}
	}
	model := map[string]any{"id": name, "name": name, "capabilities": map[string]any{"streaming": true, "function_calling": features["tools"] || features["strict_tools"], "vision": features["vision"]}}
	if length, ok := item["context_length"].(float64); ok {
		model["context_window"] = int64(length)
	}
	return model
}

// Chat sends one chat request and maps the answer back.
func (u *Upstream) Chat(ctx context.Context, request map[string]any) (map[string]any, *PluginError) {
	body, perr := toCohere(request)
	if perr != nil {
		return nil, perr
	}
	data, perr := u.getObject(ctx, http.MethodPost, "/v2/chat", body)
	if perr != nil {
		return nil, perr
	}
	return fromResponse(data, request)
}
