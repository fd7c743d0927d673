package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// rpcError is a google.rpc.Status as Gemini sends it: {"error": {code, message, status, details}}.
type rpcError struct {
	Code    int              `json:"code"`
	Message string           `json:"message"`
	Status  string           `json:"status"`
	Details []map[string]any `json:"details"`
}

func (e rpcError) detail(kind string) map[string]any {
	for _, detail := range e.Details {
		if name, _ := detail["@type"].(string); strings.HasSuffix(name, kind) {
			return detail
		}
	}
	return map[string]any{}
}

var statusCodes = map[int]string{401: "authentication_failed", 403: "authentication_failed", 404: "model_not_found", 408: "timeout", 504: "timeout"}

// loomError maps a Gemini error (HTTP status, or an in-stream error's code) to Loom's table.
func loomError(status int, upstream rpcError, retryHeader string) *PluginError {
	text := providerQuote(upstream.Message)
	message := fmt.Sprintf("the provider answered %d", status)
	if upstream.Status != "" {
		message += " " + upstream.Status
	}
	if text != "" {
		message += ": " + text
	}
	with := func(code string) *PluginError {
		err := newError(code, message)
		err.Details = map[string]any{"upstream_status": status}
		return err
	}
	switch {
	case status == 400 && upstream.detail("ErrorInfo")["reason"] == "API_KEY_INVALID":
		return with("authentication_failed")
	case status == 400 && upstream.Status == "FAILED_PRECONDITION":
		return with("quota_exceeded") // billing or region
	case status == 429:
		retry := upstream.detail("RetryInfo")
		violations, _ := upstream.detail("QuotaFailure")["violations"].([]any)
		perDay := false
		for _, raw := range violations {
			violation, _ := raw.(map[string]any)
			if id, _ := violation["quotaId"].(string); strings.Contains(id, "PerDay") {
				perDay = true
			}
		}
		delay, _ := retry["retryDelay"].(string)
		if perDay || (delay == "" && strings.Contains(text, "exceeded your current quota")) {
			return with("quota_exceeded") // waiting minutes will not help
		}
		err := with("rate_limit_exceeded")
		err.RetryWait = retrySeconds(delay, retryHeader)
		err.Details["retry_after"] = err.RetryWait
		return err
	}
	if code, ok := statusCodes[status]; ok {
		return with(code)
	}
	if status >= 500 {
		err := with("provider_unavailable")
		if status == 503 {
			err.Status = 503
		}
		return err
	}
	return with("invalid_request")
}

// errorFromResponse maps a Gemini non-200 answer to the Loom error table.
func errorFromResponse(response *http.Response) *PluginError {
	raw, _ := io.ReadAll(io.LimitReader(response.Body, 8000))
	var payload struct {
		Error rpcError `json:"error"`
	}
	_ = json.Unmarshal(raw, &payload)
	return loomError(response.StatusCode, payload.Error, response.Header.Get("Retry-After"))
}

// retrySeconds: RetryInfo's "58s" or "1.5s", else Retry-After, else 1.
func retrySeconds(delay, header string) int {
	for _, value := range []string{strings.TrimSuffix(delay, "s"), header} {
		if seconds, err := strconv.ParseFloat(value, 64); err == nil {
			return max(0, int(seconds))
		}
	}
	return 1
}
