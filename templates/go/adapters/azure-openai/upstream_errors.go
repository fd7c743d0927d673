package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// quotaWaitSeconds: a "retry after" this long is a spent quota, not a rate limit.
const quotaWaitSeconds = 3600

// errorFromResponse maps an Azure non-200 answer to the Loom error table. Azure puts a
// content-filter refusal in error.code or error.innererror.code.
func errorFromResponse(response *http.Response) *PluginError {
	status := response.StatusCode
	var upstreamCode, upstreamMessage string
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
			upstreamCode = firstString(value["code"], value["type"])
			upstreamMessage, _ = value["message"].(string)
			if inner, ok := value["innererror"].(map[string]any); ok && inner["code"] == "ResponsibleAIPolicyViolation" {
				upstreamCode = "content_filter"
			}
		}
	}
	if len(upstreamMessage) > 200 {
		upstreamMessage = upstreamMessage[:200]
	}
	message := fmt.Sprintf("the upstream answered %d", status)
	if upstreamMessage != "" {
		message += ": " + upstreamMessage
	}
	errorWith := func(code string) *PluginError {
		err := newError(code, message)
		err.Details = map[string]any{"upstream_status": status}
		return err
	}
	switch {
	case status == 401 || status == 403:
		return errorWith("authentication_failed")
	case upstreamCode == "content_filter" || upstreamCode == "ResponsibleAIPolicyViolation":
		return errorWith("content_filter")
	case status == 402:
		return errorWith("quota_exceeded")
	case status == 404: // DeploymentNotFound
		return errorWith("model_not_found")
	case status == 429:
		wait := parseRetryAfter(response.Header.Get("Retry-After"))
		if ms, err := strconv.ParseFloat(response.Header.Get("retry-after-ms"), 64); err == nil {
			wait = max(0, int((ms+999)/1000))
		}
		if wait >= quotaWaitSeconds {
			err := errorWith("quota_exceeded")
			err.Details["retry_after"] = wait
			return err
		}
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

// parseRetryAfter: the upstream's Retry-After (seconds or an HTTP date), else 1.
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

func firstString(values ...any) string {
	for _, value := range values {
		if text, ok := value.(string); ok && text != "" {
			return text
		}
	}
	return ""
}
