package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// errorFromResponse maps an upstream non-200 answer to the Loom error table. What a
// dialect says differently (which codes are a content filter or a spent quota, how long
// to wait) its wire decides: an adapter that extends openai replaces wire.go, not this.
func (w wire) errorFromResponse(response *http.Response) *PluginError {
	data, _ := io.ReadAll(io.LimitReader(response.Body, 64<<10))
	var payload map[string]any
	var errorPart any
	if json.Unmarshal(data, &payload) == nil {
		errorPart = any(payload)
		if inner, present := payload["error"]; present {
			errorPart = inner
		}
	}
	return w.errorFromBody(response.StatusCode, errorPart, response.Header)
}

// errorFromBody maps an error answer's status and `error` member (and its headers) to the
// Loom error table; streamError uses it for an error sent inside a stream.
func (w wire) errorFromBody(status int, errorPart any, header http.Header) *PluginError {
	// The error's code (or type), then its innererror's code (Azure puts one there).
	codes := []string{"", ""}
	var upstreamMessage string
	switch value := errorPart.(type) {
	case string:
		upstreamMessage = value
	case map[string]any:
		codes[0] = firstText(value["code"], value["type"])
		if inner, ok := value["innererror"].(map[string]any); ok {
			codes[1] = firstText(inner["code"])
		}
		upstreamMessage, _ = value["message"].(string)
	}
	upstreamMessage = providerQuote(upstreamMessage)
	message := fmt.Sprintf("the provider answered %d", status)
	if upstreamMessage != "" {
		message += ": " + upstreamMessage
	}
	errorWith := func(code string) *PluginError {
		err := newError(code, message)
		err.Details = map[string]any{"upstream_status": status}
		return err
	}
	wait := w.retryWait(header)
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

// streamErrorStatus: an error sent inside a stream has no HTTP status; its code (else its
// type) stands for the status an error answer of that kind comes with (streamError). One
// table for both dialects: Azure streams OpenAI's events, and its own two names mean nothing
// to OpenAI. insufficient_quota is a spent quota (402 in both wires), not a rate limit worth
// retrying.
var streamErrorStatus = map[string]int{
	"invalid_request_error":     400,
	"Unauthorized":              401,
	"invalid_api_key":           401,
	"insufficient_quota":        402,
	"DeploymentNotFound":        404,
	"model_not_found":           404,
	"rate_limit_exceeded":       429,
	"server_error":              500,
	"service_unavailable_error": 503,
	"server_is_overloaded":      503,
	"slow_down":                 503,
}

// streamError is an `{"error": {...}}` event the provider sends after the stream started:
// classified like an error answer of the same code or type, told like the other failures a
// provider reports mid-stream, with the code it was classified by (else its type) and its
// message, cut at 200 characters.
func (w wire) streamError(raw any) *PluginError {
	reported, ok := raw.(map[string]any)
	if !ok {
		reported = map[string]any{"message": fmt.Sprint(raw)}
	}
	failure := w.errorFromBody(streamStatus(reported), reported, http.Header{})
	said := firstText(reported["code"], reported["type"])
	message, _ := reported["message"].(string)
	message = providerQuote(message)
	if said != "" && message != "" {
		said += ": " + message
	} else if message != "" {
		said = message
	}
	failure.Message = providerReported(failure.Code, said, "an error", "streaming")
	// No HTTP status or headers came with it: the status streamStatus chose and the wait
	// read from no Retry-After are not the provider's.
	delete(failure.Details, "upstream_status")
	delete(failure.Details, "retry_after")
	return failure
}

// streamStatus is an HTTP status given as the error's code or type (some servers send
// one), else the status its code's or type's kind of answer has (the wire's
// streamErrorStatus), else 502: the provider failed.
func streamStatus(reported map[string]any) int {
	for _, key := range []string{"code", "type"} {
		text := firstText(reported[key])
		if status, err := strconv.Atoi(text); err == nil && status >= 400 && status <= 599 && !strings.HasPrefix(text, "+") {
			return status
		}
		if status, ok := streamErrorStatus[text]; ok {
			return status
		}
	}
	return 502
}

// firstText is the first of values that is a non-empty string or a number, as text: an
// error's code (else its type). A number reaches it only from a stream's event (decoded
// with UseNumber); an error answer's numbers are float64 and passed over.
func firstText(values ...any) string {
	for _, value := range values {
		switch value := value.(type) {
		case string:
			if value != "" {
				return value
			}
		case json.Number:
			return value.String()
		}
	}
	return ""
}
