package main

// The upstream provider: Anthropic's Messages API (POST /v1/messages, GET /v1/models).
// This adapter is the only part of the plugin that knows Anthropic: messages.go maps
// requests and answers, stream.go turns Anthropic's named events into OpenAI-style
// chunks, upstream_errors.go maps Anthropic's errors to Loom's codes.

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

const anthropicVersion = "2023-06-01"

// maxModelPages bounds the model list's paging (enough for any real list).
const maxModelPages = 20

// Upstream calls Anthropic with the initialized config.
type Upstream struct {
	base             string
	apiKey           string
	timeout          time.Duration
	defaultMaxTokens int
	client           *http.Client
}

func newUpstream(config Config) *Upstream {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 32 // concurrent requests reuse their connections
	maxTokens := config.Int("max_tokens")
	if maxTokens <= 0 {
		maxTokens = 4096
	}
	return &Upstream{
		base:             strings.TrimRight(config.String("endpoint"), "/"),
		apiKey:           config.String("api_key"),
		timeout:          time.Duration(config.Int("timeout")) * time.Second,
		defaultMaxTokens: maxTokens,
		client:           &http.Client{Transport: transport},
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
	request.Header.Set("x-api-key", u.apiKey)
	request.Header.Set("anthropic-version", anthropicVersion)
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
		data, perr := u.getJSON(ctx, http.MethodGet, "/v1/models"+query, nil)
		if perr != nil {
			return nil, perr
		}
		items, ok := data["data"].([]any)
		if !ok {
			return nil, newError("internal_error", "the upstream's model list is not a list")
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
	data, perr := u.getJSON(ctx, http.MethodPost, "/v1/messages", body)
	if perr != nil {
		return nil, perr
	}
	return fromMessage(data, request)
}
