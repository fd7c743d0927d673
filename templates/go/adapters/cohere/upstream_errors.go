package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

var statusCodes = map[int]string{401: "authentication_failed", 403: "authentication_failed", 498: "authentication_failed", 402: "quota_exceeded", 404: "model_not_found", 408: "timeout", 504: "timeout"}

// errorFromResponse maps a Cohere non-200 answer ({"message": "<text>"}) to the Loom
// error table.
func errorFromResponse(response *http.Response) *PluginError {
	status := response.StatusCode
	raw, _ := io.ReadAll(io.LimitReader(response.Body, 2000))
	var payload struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(raw, &payload)
	message := fmt.Sprintf("the provider answered %d", status)
	if text := payload.Message; text != "" {
		message += ": " + providerQuote(text)
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
	if status >= 500 && status != 501 { // 501: a feature the model does not have, not an outage
		err := with("provider_unavailable")
		if status == 503 {
			err.Status = 503
		}
		return err
	}
	return with("invalid_request")
}
