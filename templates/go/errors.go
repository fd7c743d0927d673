package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// errorTable is the Loom error model: the HTTP status and transient flag of every code.
// The rest of the code only says *what* went wrong; status and transient follow from it.
var errorTable = map[string]struct {
	status    int
	transient bool
}{
	"invalid_request":       {400, false},
	"authentication_failed": {401, false},
	"quota_exceeded":        {402, false},
	"model_not_found":       {404, false},
	"content_filter":        {422, false},
	"rate_limit_exceeded":   {429, true},
	"internal_error":        {500, false},
	"provider_unavailable":  {502, true}, // 503 when the upstream itself said 503
	"timeout":               {504, true},
}

// Error messages quote the provider's own text, and a provider or proxy may echo the key
// back in it: every answer shows the configured key as keyMarker instead. Shorter keys
// are left alone, so that a short value cannot blank common words.
const (
	keyMarker    = "[api_key]"
	minHiddenKey = 8
)

var hidden struct {
	sync.RWMutex
	key string
}

// hideKeyInMessages is called by /initialize with the configured api_key (one config per
// plugin process).
func hideKeyInMessages(key string) {
	if len(key) < minHiddenKey {
		key = ""
	}
	hidden.Lock()
	hidden.key = key
	hidden.Unlock()
}

func withoutKey(text string) string {
	hidden.RLock()
	key := hidden.key
	hidden.RUnlock()
	if key == "" {
		return text
	}
	return strings.ReplaceAll(text, key, keyMarker)
}

// PluginError is an error answer: `{code, message, transient, details?}`.
type PluginError struct {
	Code      string
	Message   string
	Status    int
	Details   map[string]any
	RetryWait int // seconds, for rate_limit_exceeded: sent as the Retry-After header
}

func (e *PluginError) Error() string { return e.Code + ": " + e.Message }

func newError(code, message string) *PluginError {
	return &PluginError{Code: code, Message: message, Status: errorTable[code].status}
}

func (e *PluginError) body() map[string]any {
	body := map[string]any{"code": e.Code, "message": withoutKey(e.Message), "transient": errorTable[e.Code].transient}
	if len(e.Details) > 0 {
		body["details"] = e.Details
	}
	return body
}

func writeJSON(w http.ResponseWriter, status int, value any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(value)
}

func writeError(w http.ResponseWriter, err *PluginError) {
	if err.Code == "rate_limit_exceeded" {
		w.Header().Set("Retry-After", itoa(err.RetryWait))
	}
	writeJSON(w, err.Status, err.body())
}

func itoa(n int) string { return strconv.Itoa(n) }

// parseRetryAfter: the seconds a rate-limited upstream asks to wait, from its Retry-After
// (seconds or an HTTP date), else 1.
func parseRetryAfter(header string) int {
	if header == "" {
		return 1
	}
	if seconds, err := strconv.ParseFloat(header, 64); err == nil {
		return max(0, int(seconds))
	}
	if date, err := http.ParseTime(header); err == nil {
		return max(0, int(time.Until(date).Seconds()))
	}
	return 1
}
