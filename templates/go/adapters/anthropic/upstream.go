package main

// The upstream provider: Anthropic's Messages API (POST /v1/messages, GET /v1/models).
// This adapter is the only part of the plugin that knows Anthropic: messages.go maps
// requests and answers, stream.go turns Anthropic's named events into OpenAI-style
// chunks, upstream_errors.go maps Anthropic's errors to Loom's codes.

import (
	"context"
	"net/http"
	"net/url"
)

const anthropicVersion = "2023-06-01"

// maxModelPages bounds the model list's paging (enough for any real list).
const maxModelPages = 20

// Upstream calls Anthropic with the initialized config (HTTP plumbing: upstream_http.go).
type Upstream struct {
	httpUpstream
	defaultMaxTokens int
}

func newUpstream(config Config) *Upstream {
	maxTokens := config.Int("max_tokens")
	if maxTokens <= 0 {
		maxTokens = 4096
	}
	return &Upstream{
		httpUpstream:     newHTTPUpstream(config, upstreamHooks{authorize: authorize, errorFromResponse: errorFromResponse}),
		defaultMaxTokens: maxTokens,
	}
}

func authorize(request *http.Request, apiKey string) {
	request.Header.Set("x-api-key", apiKey)
	request.Header.Set("anthropic-version", anthropicVersion)
}

// ListModels follows Anthropic's pages (after_id) and answers Loom's bare array.
func (u *Upstream) ListModels(ctx context.Context) ([]map[string]any, *PluginError) {
	models := []map[string]any{}
	seen := map[string]bool{}
	after := ""
	for page := 0; page < maxModelPages; page++ {
		query := "?limit=1000"
		if after != "" {
			query += "&after_id=" + url.QueryEscape(after)
		}
		data, perr := u.getObject(ctx, http.MethodGet, "/v1/models"+query, nil)
		if perr != nil {
			return nil, perr
		}
		items, ok := data["data"].([]any)
		if !ok {
			return nil, newError("internal_error", "the provider's model list is not a list")
		}
		for _, item := range items {
			object, _ := item.(map[string]any)
			id, _ := object["id"].(string)
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			models = append(models, modelOf(object, id))
		}
		after, _ = data["last_id"].(string)
		if data["has_more"] != true || after == "" {
			break
		}
	}
	return models, nil
}

// modelOf is one Loom model entry. Every current Claude model streams, calls tools and
// reads images.
func modelOf(item map[string]any, id string) map[string]any {
	name, _ := item["display_name"].(string)
	if name == "" {
		name = id
	}
	model := map[string]any{"id": id, "name": name, "capabilities": map[string]any{"streaming": true, "function_calling": true, "vision": true}}
	if limit, ok := item["max_input_tokens"].(float64); ok {
		model["context_window"] = int64(limit)
	}
	if limit, ok := item["max_tokens"].(float64); ok {
		model["max_output_tokens"] = int64(limit)
	}
	return model
}

// Chat sends one message request and maps the answer back.
func (u *Upstream) Chat(ctx context.Context, request map[string]any) (map[string]any, *PluginError) {
	body, perr := toAnthropic(request, u.defaultMaxTokens)
	if perr != nil {
		return nil, perr
	}
	data, perr := u.getObject(ctx, http.MethodPost, "/v1/messages", body)
	if perr != nil {
		return nil, perr
	}
	return fromMessage(data, request)
}
