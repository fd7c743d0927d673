package main

// The upstream provider: Cohere's v2 Chat API (POST /v2/chat, GET /v1/models). This
// adapter is the only part of the plugin that knows Cohere: messages.go maps requests and
// answers, stream.go turns Cohere's typed events into OpenAI-style chunks,
// upstream_errors.go maps Cohere's errors to Loom's codes.

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

// maxModelPages bounds the model list's paging (enough for any real list).
const maxModelPages = 20

// Upstream calls Cohere with the initialized config.
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
		base:    strings.TrimRight(config.String("endpoint"), "/"),
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
	request.Header.Set("Authorization", "Bearer "+u.apiKey)
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
		data, perr := u.getJSON(ctx, http.MethodGet, "/v1/models"+query, nil)
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
	data, perr := u.getJSON(ctx, http.MethodPost, "/v2/chat", body)
	if perr != nil {
		return nil, perr
	}
	return fromResponse(data, request)
}
