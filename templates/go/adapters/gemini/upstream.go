package main

// The upstream provider: the Gemini API (Generative Language v1beta,
// POST /models/{model}:generateContent and :streamGenerateContent?alt=sse, GET /models).
// This adapter is the only part of the plugin that knows Gemini: messages.go maps
// requests and answers, stream.go turns Gemini's chunks into OpenAI-style chunks,
// upstream_errors.go maps Gemini's errors to Loom's codes.

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

const apiVersion = "v1beta"

// maxModelPages bounds the model list's paging (enough for any real list).
const maxModelPages = 20

// Upstream calls Gemini with the initialized config (HTTP plumbing: upstream_http.go).
type Upstream struct{ httpUpstream }

func newUpstream(config Config) *Upstream {
	return &Upstream{newHTTPUpstream(config, upstreamHooks{baseURL: baseURL, authorize: authorize, errorFromResponse: errorFromResponse})}
}

func baseURL(endpoint string) string { return endpoint + "/" + apiVersion }

func authorize(request *http.Request, apiKey string) {
	request.Header.Set("x-goog-api-key", apiKey)
}

// ListModels follows Gemini's pages (pageToken) and answers Loom's bare array of the
// models generateContent serves (embedding-only models cannot chat).
func (u *Upstream) ListModels(ctx context.Context) ([]map[string]any, *PluginError) {
	models := []map[string]any{}
	seen := map[string]bool{}
	token := ""
	for page := 0; page < maxModelPages; page++ {
		query := "?pageSize=1000"
		if token != "" {
			query += "&pageToken=" + url.QueryEscape(token)
		}
		data, perr := u.getObject(ctx, http.MethodGet, "/models"+query, nil)
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
			if methods, listed := object["supportedGenerationMethods"].([]any); listed && !contains(methods, "generateContent") {
				continue
			}
			id := strings.TrimPrefix(name, "models/")
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			models = append(models, modelOf(object, id))
		}
		token, _ = data["nextPageToken"].(string)
		if token == "" {
			break
		}
	}
	return models, nil
}

// modelOf is one Loom model entry. Gemini chat models take images and tools; streaming
// is a generation method of its own.
func modelOf(item map[string]any, id string) map[string]any {
	display, _ := item["displayName"].(string)
	if display == "" {
		display = id
	}
	methods, listed := item["supportedGenerationMethods"].([]any)
	streams := !listed || contains(methods, "streamGenerateContent")
	model := map[string]any{"id": id, "name": display, "capabilities": map[string]any{"streaming": streams, "function_calling": true, "vision": true}}
	if description, _ := item["description"].(string); description != "" {
		model["description"] = description
	}
	if limit, ok := item["inputTokenLimit"].(float64); ok {
		model["context_window"] = int64(limit)
	}
	if limit, ok := item["outputTokenLimit"].(float64); ok {
		model["max_output_tokens"] = int64(limit)
	}
	return model
}

func contains(values []any, want string) bool {
	for _, value := range values {
		if value == want {
			return true
		}
	}
	return false
}

// modelPath is the model id for the URL, without the "models/" some clients add.
func modelPath(request map[string]any) string {
	model, _ := request["model"].(string)
	return url.PathEscape(strings.TrimPrefix(model, "models/"))
}

// Chat sends one generateContent request and maps the answer back.
func (u *Upstream) Chat(ctx context.Context, request map[string]any) (map[string]any, *PluginError) {
	body, perr := toGemini(request)
	if perr != nil {
		return nil, perr
	}
	data, perr := u.getObject(ctx, http.MethodPost, "/models/"+modelPath(request)+":generateContent", body)
	if perr != nil {
		return nil, perr
	}
	return fromResponse(data, request)
}
