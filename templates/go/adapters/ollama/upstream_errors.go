package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

var statusCodes = map[int]string{401: "authentication_failed", 403: "authentication_failed", 404: "model_not_found", 408: "timeout", 504: "timeout"}

// errorFromResponse maps an Ollama non-200 answer ({"error": "<text>"}) to the Loom
// error table.
func errorFromResponse(response *http.Response) *PluginError {
	status := response.StatusCode
	raw, _ := io.ReadAll(io.LimitReader(response.Body, 2000))
	var payload struct {
		Error any `json:"error"`
	}
	_ = json.Unmarshal(raw, &payload)
	message := fmt.Sprintf("the provider answered %d", status)
	if payload.Error != nil {
		message += ": " + providerQuote(fmt.Sprint(payload.Error))
	}
	with := func(code string) *PluginError {
		err := newError(code, message)
		err.Details = map[string]any{"upstream_status": status}
		return err
	}
	if status == 429 {
		err := with("rate_limit_exceeded")
		err.RetryWait = parseRetryAfter(response.Header.Get("Retry-After"))
		err.Details["retry_after"] = err.RetryWait
		return err
	}
	if code, ok := statusCodes[status]; ok {
		return with(code)
	}
	if status >= 500 {
		err := with("provider_unavailable")
		if status == 503 { // Ollama's full queue ("server busy"): come back later
			err.Status = 503
		}
		return err
	}
	return with("invalid_request")
}
