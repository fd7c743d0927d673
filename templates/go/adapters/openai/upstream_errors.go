package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// errorFromResponse maps an upstream non-200 answer to the Loom error table. What a
// dialect says differently (which codes are a content filter or a spent quota, how long
// to wait) its wire decides: an adapter that extends openai replaces wire.go, not this.
func (w wire) errorFromResponse(response *http.Response) *PluginError {
	status := response.StatusCode
	// The error's code (or type), then its innererror's code (Azure puts one there).
	codes := []string{"", ""}
	var upstreamMessage string
	data, _ := io.ReadAll(io.LimitReader(response.Body, 64<<10))
	var payload map[string]any
	if json.Unmarshal(data, &payload) == nil {
		errorPart := any(payload)
		if inner, present := payload["error"]; present {
			errorPart = inner
		}
		switch value := errorPart.(type) {
		case string:
			upstreamMessage = value
		case map[string]any:
			codes[0] = firstString(value["code"], value["type"])
			if inner, ok := value["innererror"].(map[string]any); ok {
				codes[1] = firstString(inner["code"])
			}
			upstreamMessage, _ = value["message"].(string)
		}
	}
	if len(upstreamMessage) > 200 {
		upstreamMessage = upstreamMessage[:200]
	}
	message := fmt.Sprintf("the provider answered %d", status)
	if upstreamMessage != "" {
		message += ": " + upstreamMessage
	}
	errorWith := func(code string) *PluginError {
		err := newError(code, message)
		err.Details = map[string]any{"upstream_status": status}
		return err
	}
	wait := w.retryWait(response.Header)
	switch {
	case w.isContentFilter(status, codes):
		return errorWith("content_filter")
	case status == 401 || status == 403:
		return errorWith("authentication_failed")
	case status == 402 || w.isSpentQuota(status, codes, wait):
		err := errorWith("quota_exceeded")
		if status == 429 {
			err.Details["retry_after"] = wait
		}
		return err
	case status == 404:
		return errorWith("model_not_found")
	case status == 429:
		err := errorWith("rate_limit_exceeded")
		err.RetryWait = wait
		err.Details["retry_after"] = err.RetryWait
		return err
	case status == 408 || status == 504:
		return errorWith("timeout")
	case status == 503:
		err := errorWith("provider_unavailable")
		err.Status = 503
		return err
	case status >= 500:
		return errorWith("provider_unavailable")
	default:
		return errorWith("invalid_request")
	}
}

func firstString(values ...any) string {
	for _, value := range values {
		if text, ok := value.(string); ok && text != "" {
			return text
		}
	}
	return ""
}
