package main

// The six Loom plugin endpoints. Every answer is JSON: success is exactly 200, every
// error is {code, message, transient} (net/http's plain-text 404/405 pages are replaced
// by the catch-all below).

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

// Plugin holds the initialized upstream, replaced by /initialize, cleared by /cleanup.
type Plugin struct {
	mu       sync.RWMutex
	upstream *Upstream
	getenv   func(string) (string, bool) // where LOOM_CONFIG_* values are read
}

func newPlugin() *Plugin { return &Plugin{getenv: os.LookupEnv} }

func (p *Plugin) current() (*Upstream, *PluginError) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.upstream == nil {
		err := newError("provider_unavailable", "the plugin is not initialized: POST /initialize first")
		err.Status = http.StatusServiceUnavailable
		return nil, err
	}
	return p.upstream, nil
}

func (p *Plugin) replace(upstream *Upstream) {
	p.mu.Lock()
	old := p.upstream
	p.upstream = upstream
	p.mu.Unlock()
	if old != nil {
		old.close()
	}
}

// maxBody bounds request bodies (images for vision can be large).
const maxBody = 20 << 20

func readJSON(w http.ResponseWriter, r *http.Request) (any, *PluginError) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return nil, newError("invalid_request", "the request body cannot be read or is too large")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return map[string]any{}, nil
	}
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.UseNumber() // integers stay integers when forwarded
	var value any
	if err := decoder.Decode(&value); err != nil || decoder.More() {
		return nil, newError("invalid_request", "the request body is not valid JSON")
	}
	return value, nil
}

func checkChatRequest(body any) (map[string]any, *PluginError) {
	object, ok := body.(map[string]any)
	if !ok {
		return nil, newError("invalid_request", "the request body must be a JSON object")
	}
	messages, ok := object["messages"].([]any)
	if !ok || len(messages) == 0 {
		return nil, newError("invalid_request", "messages must be a non-empty array")
	}
	for _, message := range messages {
		if _, ok := message.(map[string]any); !ok {
			return nil, newError("invalid_request", "every message must be an object")
		}
	}
	if model, _ := object["model"].(string); model == "" {
		return nil, newError("invalid_request", "model must be a non-empty string")
	}
	return object, nil
}

func (p *Plugin) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metadata", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, metadata)
	})
	mux.HandleFunc("POST /initialize", func(w http.ResponseWriter, r *http.Request) {
		body, perr := readJSON(w, r)
		if perr == nil {
			var config Config
			if config, perr = resolveConfig(body, p.getenv); perr == nil {
				hideSecrets(secretsOf(config))
				p.replace(newUpstream(config)) // initializing again replaces the old config
				writeJSON(w, http.StatusOK, map[string]any{})
				return
			}
		}
		writeError(w, perr)
	})
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		started := time.Now()
		_, notReady := p.current()
		message := "OK"
		if notReady != nil {
			message = "not initialized: POST /initialize first"
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"healthy":    notReady == nil,
			"message":    message,
			"latency_ms": time.Since(started).Milliseconds(),
			// RFC 3339 with a zone: Loom cannot parse a naive timestamp.
			"timestamp": time.Now().UTC().Format(time.RFC3339),
			"details":   map[string]any{"initialized": notReady == nil},
		})
	})
	mux.HandleFunc("GET /models", func(w http.ResponseWriter, r *http.Request) {
		upstream, perr := p.current()
		var models []map[string]any
		if perr == nil {
			models, perr = upstream.ListModels(r.Context())
		}
		if perr == nil && len(models) == 0 {
			perr = newError("provider_unavailable", "the provider lists no models")
		}
		if perr != nil {
			writeError(w, perr)
			return
		}
		writeJSON(w, http.StatusOK, models)
	})
	mux.HandleFunc("POST /chat/completions", func(w http.ResponseWriter, r *http.Request) {
		body, perr := readJSON(w, r)
		var request map[string]any
		if perr == nil {
			request, perr = checkChatRequest(body)
		}
		var upstream *Upstream
		if perr == nil {
			upstream, perr = p.current()
		}
		if perr == nil && capabilities["streaming"] && request["stream"] == true {
			perr = upstream.ChatStream(r.Context(), w, request)
		} else if perr == nil {
			// Without the streaming capability a stream request still gets one JSON
			// answer, which is what Loom's plugin client expects.
			var answer map[string]any
			if answer, perr = upstream.Chat(r.Context(), request); perr == nil {
				writeJSON(w, http.StatusOK, answer)
				return
			}
		}
		if perr != nil {
			writeError(w, perr)
		}
	})
	mux.HandleFunc("POST /cleanup", func(w http.ResponseWriter, r *http.Request) {
		p.replace(nil)
		writeJSON(w, http.StatusOK, map[string]any{})
	})
	// Unknown paths and wrong methods: the protocol has no 404/405 code for them, so
	// they are invalid requests (400).
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, newError("invalid_request", "unknown endpoint "+r.Method+" "+r.URL.Path))
	})
	return mux
}
