package main

// The upstream provider: the Gemini API (Generative Language v1beta,
// POST /models/{model}:generateContent and :streamGenerateContent?alt=sse, GET /models).
// This adapter is the only part of the plugin that knows Gemini: messages.go maps
// requests and answers, stream.go turns Gemini's chunks into OpenAI-style chunks,
// upstream_errors.go maps Gemini's errors to Loom's codes.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const apiVersion = "v1beta"

// maxModelPages bounds the model list's paging (enough for any real list).
const maxModelPages = 20

// Upstream calls Gemini with the initialized config.
type Upstream struct {
	base    string
	apiKey  string
	timeout time.Duration
	client  *http.Client
}

func newUpstream(config Config) *Upstream {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 32 // concurrent requests reuse their connections
	return &Upstream{
		base:    strings.TrimRight(config.String("endpoint"), "/") + "/" + apiVersion,
		apiKey:  config.String("api_key"),
		timeout: time.Duration(config.Int("timeout")) * time.Second,
		client:  &http.Client{Transport: transport},
	}
}

func (u *Upstream) close() { u.client.CloseIdleConnections() }

// send makes one request; a non-200 answer is mapped to a PluginError (body closed).
func (u *Upstream) send(ctx context.Context, method, path string, body any) (*http.Response, *PluginError) {
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, newError("invalid_request", "the request cannot be encoded as JSON")
		}
		reader = bytes.NewReader(data)
	}
	request, err := http.NewRequestWithContext(ctx, method, u.base+path, reader)
	if err != nil {
		return nil, newError("internal_error", "the upstream URL is not usable")
	}
	request.Header.Set("x-goog-api-key", u.apiKey)
	request.Header.Set("Accept", "application/json")
	if body != nil {
		request.Header.Set("Content-Type", "application/json")
	}
	response, err := u.client.Do(request)
	if err != nil {
		return nil, u.failure(ctx, err)
	}
	if response.StatusCode != http.StatusOK {
		defer response.Body.Close()
		return nil, errorFromResponse(response)
	}
	return response, nil
}

func (u *Upstream) failure(ctx context.Context, err error) *PluginError {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(context.Cause(ctx), errStalled) {
		return newError("timeout", fmt.Sprintf("the upstream did not answer within %s", u.timeout))
	}
	return newError("provider_unavailable", "cannot reach the upstream: "+errorKind(err))
}

// errorKind names a transport error without echoing URLs (which may carry secrets).
func errorKind(err error) string {
	text := err.Error()
	for _, kind := range []string{"connection refused", "connection reset", "EOF", "no such host", "timeout"} {
		if strings.Contains(text, kind) {
			return kind
		}
	}
	return "network error"
}

// getJSON sends a request and decodes its JSON object answer, all within the timeout.
func (u *Upstream) getJSON(parent context.Context, method, path string, body any) (map[string]any, *PluginError) {
	ctx, cancel := context.WithTimeout(parent, u.timeout)
	defer cancel()
	response, perr := u.send(ctx, method, path, body)
	if perr != nil {
		return nil, perr
	}
	defer response.Body.Close()
	data, err := io.ReadAll(response.Body)
	if err != nil {
		return nil, u.failure(ctx, err)
	}
	var value map[string]any
	if err := json.Unmarshal(data, &value); err != nil {
		return nil, newError("internal_error", "the upstream answered with something that is not a JSON object")
	}
	return value, nil
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
		data, perr := u.getJSON(ctx, http.MethodGet, "/models"+query, nil)
		if perr != nil {
			return nil, perr
		}
		items, ok := data["models"].([]any)
		if !ok {
			return nil, newError("internal_error", "the upstream's model list is not a list")
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
	data, perr := u.getJSON(ctx, http.MethodPost, "/models/"+modelPath(request)+":generateContent", body)
	if perr != nil {
		return nil, perr
	}
	return fromResponse(data, request)
}
