package main

// The upstream provider: an Ollama server (POST /api/chat, GET /api/tags). This adapter
// is the only part of the plugin that knows Ollama: messages.go maps requests and
// answers, stream.go turns Ollama's NDJSON lines into OpenAI-style chunks,
// upstream_errors.go maps Ollama's errors to Loom's codes.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Upstream calls Ollama with the initialized config.
type Upstream struct {
	base    string
	apiKey  string // a local Ollama takes none; ollama.com wants a Bearer
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
	if u.apiKey != "" {
		request.Header.Set("Authorization", "Bearer "+u.apiKey)
	}
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

// ListModels maps /api/tags to Loom's bare array of models.
func (u *Upstream) ListModels(ctx context.Context) ([]map[string]any, *PluginError) {
	data, perr := u.getJSON(ctx, http.MethodGet, "/api/tags", nil)
	if perr != nil {
		return nil, perr
	}
	items, ok := data["models"].([]any)
	if !ok {
		return nil, newError("internal_error", "the upstream's model list is not a list")
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
	data, perr := u.getJSON(ctx, http.MethodPost, "/api/chat", body)
	if perr != nil {
		return nil, perr
	}
	return fromResponse(data, request)
}
