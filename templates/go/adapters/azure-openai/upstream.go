package main

// The upstream provider: an Azure OpenAI resource
// (POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=...).
// Azure speaks OpenAI's chat body and stream, so requests pass through; what differs is
// the URL (a chat request's model names the deployment), the api-key header, the
// required api-version, the model list (the configured deployments: Azure's data-plane
// /openai/models lists base models, not what this resource can serve), the filter-only
// first stream chunk, and Azure's error codes (upstream_errors.go).

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

// loomOnlyFields are Loom's own request parameters; they mean nothing to the upstream.
var loomOnlyFields = []string{"plugin_specific"}

// Upstream calls the provider with the initialized config.
type Upstream struct {
	base        string
	apiKey      string
	apiVersion  string
	deployments []string
	timeout     time.Duration
	client      *http.Client
}

func newUpstream(config Config) *Upstream {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 32 // concurrent requests reuse their connections
	return &Upstream{
		base:        strings.TrimRight(config.String("endpoint"), "/") + "/openai",
		apiKey:      config.String("api_key"),
		apiVersion:  config.String("api_version"),
		deployments: deploymentNames(config.String("deployment")),
		timeout:     time.Duration(config.Int("timeout")) * time.Second,
		client:      &http.Client{Transport: transport},
	}
}

func (u *Upstream) close() { u.client.CloseIdleConnections() }

// send makes one request. The caller's context bounds it; a non-200 answer is mapped to
// a PluginError here (and its body closed).
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
	request.Header.Set("api-key", u.apiKey)
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
	var pluginErr *PluginError
	if errors.As(err, &pluginErr) {
		return pluginErr
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

// getJSON sends a request and decodes its JSON answer, all within the timeout.
func (u *Upstream) getJSON(parent context.Context, method, path string, body any) (any, *PluginError) {
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
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.UseNumber() // keep numbers exact; integers are checked when normalising
	var value any
	if err := decoder.Decode(&value); err != nil {
		return nil, newError("internal_error", "the upstream answered with something that is not JSON")
	}
	return value, nil
}

func deploymentNames(list string) []string {
	names := []string{}
	for _, name := range strings.Split(list, ",") {
		if name = strings.TrimSpace(name); name != "" {
			names = append(names, name)
		}
	}
	return names
}

// ListModels answers the configured deployments: a deployment is what a chat request can
// name, and Azure's data plane cannot list them.
func (u *Upstream) ListModels(ctx context.Context) ([]map[string]any, *PluginError) {
	models := []map[string]any{}
	for _, name := range u.deployments {
		models = append(models, map[string]any{"id": name, "name": name, "capabilities": map[string]any{"streaming": true}})
	}
	return models, nil
}

// chatPath is the deployment's chat URL; the request's model names the deployment.
func (u *Upstream) chatPath(request map[string]any) string {
	model, _ := request["model"].(string)
	return "/deployments/" + url.PathEscape(model) + "/chat/completions?api-version=" + url.QueryEscape(u.apiVersion)
}

func forwarded(request map[string]any, stream bool) map[string]any {
	body := make(map[string]any, len(request))
	for key, value := range request {
		body[key] = value
	}
	for _, key := range loomOnlyFields {
		delete(body, key)
	}
	delete(body, "stream")
	if stream {
		body["stream"] = true
	}
	return body
}

// Chat forwards a completion request and normalises the answer.
func (u *Upstream) Chat(ctx context.Context, request map[string]any) (map[string]any, *PluginError) {
	data, perr := u.getJSON(ctx, http.MethodPost, u.chatPath(request), forwarded(request, false))
	if perr != nil {
		return nil, perr
	}
	return normalizeCompletion(data, request)
}
