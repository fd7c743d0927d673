package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
)

// errorTypes maps Anthropic's error.type to Loom codes (an in-stream `error` event
// carries only the type).
var errorTypes = map[string]string{
	"invalid_request_error": "invalid_request",
	"request_too_large":     "invalid_request",
	"authentication_error":  "authentication_failed",
	"permission_error":      "authentication_failed",
	"billing_error":         "quota_exceeded",
	"not_found_error":       "model_not_found",
	"rate_limit_error":      "rate_limit_exceeded",
	"timeout_error":         "timeout",
	"api_error":             "provider_unavailable",
	"overloaded_error":      "provider_unavailable",
}

var statusCodes = map[int]string{401: "authentication_failed", 403: "authentication_failed", 402: "quota_exceeded", 404: "model_not_found", 429: "rate_limit_exceeded", 408: "timeout", 504: "timeout"}

var spendLimit = regexp.MustCompile(`(?i)spend limit|credit balance|enforced_spend_limit_reached`)

func loomCode(status int, errorType, raw string) string {
	if spendLimit.MatchString(raw) {
		return "quota_exceeded" // a spend cap (400 or 429): waiting does not help
	}
	if code, ok := statusCodes[status]; ok {
		return code
	}
	if status >= 500 {
		return "provider_unavailable" // 500 api_error, 529 overloaded_error, gateways
	}
	if code, ok := errorTypes[errorType]; ok {
		return code
	}
	return "invalid_request"
}

func pluginError(code, message string, status int, retryAfter string) *PluginError {
	err := newError(code, message)
	if status != 0 {
		err.Details = map[string]any{"upstream_status": status}
	}
	switch code {
	case "rate_limit_exceeded":
		err.RetryWait = parseRetryAfter(retryAfter)
		if err.Details == nil {
			err.Details = map[string]any{}
		}
		err.Details["retry_after"] = err.RetryWait
	case "provider_unavailable":
		// Overloaded (529) and 503 say "come back later": keep that 503.
		if status == 503 || status == 529 {
			err.Status = 503
		}
	}
	return err
}

// errorFromResponse maps an Anthropic non-200 answer to the Loom error table.
func errorFromResponse(response *http.Response) *PluginError {
	status := response.StatusCode
	raw, _ := io.ReadAll(io.LimitReader(response.Body, 2000))
	var payload struct {
		Error struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(raw, &payload)
	message := fmt.Sprintf("the provider answered %d", status)
	if payload.Error.Type != "" {
		message += " " + payload.Error.Type
	}
	if text := payload.Error.Message; text != "" {
		message += ": " + providerQuote(text)
	}
	return pluginError(loomCode(status, payload.Error.Type, string(raw)), message, status, response.Header.Get("retry-after"))
}
