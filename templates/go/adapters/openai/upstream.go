package main

// The upstream provider: an OpenAI-compatible HTTP API (GET /models,
// POST /chat/completions). Everything it answers is translated into Loom's shapes and
// error codes here, so the handlers never see a raw upstream response. Adapting the
// plugin to a provider that is not OpenAI-compatible means changing this file: keep the
// method signatures and the error codes. What differs between OpenAI dialects (URL,
// auth header, model list, stream chunks, what an error's codes mean) is in wire.go;
// errors are read in upstream_errors.go.

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

// loomOnlyFields are Loom's own request parameters; they mean nothing to the upstream.
var loomOnlyFields = []string{"plugin_specific"}

// Upstream calls the provider with the initialized config.
type Upstream struct {
	wire
	base    string
	apiKey  string
	timeout time.Duration
	client  *http.Client
}

func newUpstream(config Config) *Upstream {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 32 // concurrent requests reuse their connections
	w := newWire(config)
	return &Upstream{
		wire:    w,
		base:    w.baseURL(strings.TrimRight(config.String("endpoint"), "/")),
		apiKey:  config.String("api_key"),
		timeout: time.Duration(config.Int("timeout")) * time.Second,
		client:  &http.Client{Transport: transport},
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
	u.authorize(request, u.apiKey)
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
		return nil, u.errorFromResponse(response)
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
