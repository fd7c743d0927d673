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
	"net/http"
)

// loomOnlyFields are Loom's own request parameters; they mean nothing to the upstream.
var loomOnlyFields = []string{"plugin_specific"}

// Upstream calls the provider with the initialized config (HTTP plumbing:
// upstream_http.go; the dialect's URL, auth and errors: the wire).
type Upstream struct {
	wire
	httpUpstream
}

func newUpstream(config Config) *Upstream {
	w := newWire(config)
	return &Upstream{wire: w, httpUpstream: newHTTPUpstream(config, upstreamHooks{baseURL: w.baseURL, authorize: w.authorize, errorFromResponse: w.errorFromResponse})}
}

// getJSON fetches a JSON answer of any shape (a model list may be a bare array).
func (u *Upstream) getJSON(ctx context.Context, method, path string, body any) (any, *PluginError) {
	data, perr := u.fetch(ctx, method, path, body)
	if perr != nil {
		return nil, perr
	}
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.UseNumber() // keep numbers exact; integers are checked when normalising
	var value any
	if err := decoder.Decode(&value); err != nil {
		return nil, newError("internal_error", "the provider answered with something that is not JSON")
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
