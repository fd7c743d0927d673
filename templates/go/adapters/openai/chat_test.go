package main

// Chat completions against the fake upstream: forwarding, shapes, the error table,
// streaming. What the upstream's wire looks like (where a request goes, which fault is a
// content filter) comes from fake_upstream_test.go, so an API that extends openai runs
// these tests against its own fake.

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestCompletionIsForwardedAndNormalised(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	request := map[string]any{"temperature": 0.2, "max_tokens": 50, "some_future_field": 1, "plugin_specific": map[string]any{"x": 1}}
	for key, value := range hello {
		request[key] = value
	}
	got := call(t, "POST", url+"/chat/completions", request)
	if got.status != 200 {
		t.Fatalf("chat: %d %s", got.status, got.text)
	}
	choice := got.body["choices"].([]any)[0].(map[string]any)
	if !reflect.DeepEqual(choice["message"], map[string]any{"role": "assistant", "content": "echo: hello there"}) {
		t.Fatalf("message: %v", choice["message"])
	}
	if !strings.Contains(got.text, `"created":1700000000,`) {
		t.Fatalf("created is not an integer: %s", got.text)
	}
	if !strings.Contains(got.text, `"prompt_tokens":3`) || !strings.Contains(got.text, `"total_tokens":5`) {
		t.Fatalf("usage: %s", got.text)
	}
	seen := upstream.last()
	assertSentUpstream(t, seen)
	if seen.Body["temperature"] != 0.2 || seen.Body["max_tokens"] != 50.0 || seen.Body["plugin_specific"] != nil {
		t.Fatalf("forwarded body: %v", seen.Body)
	}
}

func TestUpstreamErrorsFollowTheErrorTable(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	cases := []struct {
		fault  string
		code   string
		status int
	}{
		{"401", "authentication_failed", 401},
		{"402", "quota_exceeded", 402},
		{contentFilterFault, "content_filter", 422},
		{"500", "provider_unavailable", 502},
		{"502", "provider_unavailable", 502},
		{"503", "provider_unavailable", 503},
		{"400", "invalid_request", 400},
	}
	for _, c := range cases {
		upstream.setFault(c.fault, "")
		expectError(t, call(t, "POST", url+"/chat/completions", hello), c.code, c.status)
	}

	upstream.setFault("429", "7")
	got := call(t, "POST", url+"/chat/completions", hello)
	expectError(t, got, "rate_limit_exceeded", 429)
	if got.header.Get("Retry-After") != "7" || got.body["details"].(map[string]any)["retry_after"] != 7.0 {
		t.Fatalf("retry after: %q %s", got.header.Get("Retry-After"), got.text)
	}
	upstream.setFault("429", "")
	if got := call(t, "POST", url+"/chat/completions", hello); got.header.Get("Retry-After") != "1" {
		t.Fatalf("default retry after: %q", got.header.Get("Retry-After"))
	}
}

func TestStreaming(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	request := map[string]any{"stream": true}
	for key, value := range hello {
		request[key] = value
	}
	got := call(t, "POST", url+"/chat/completions", request)
	if !capabilities["streaming"] {
		// Without the capability a stream request gets one JSON answer.
		if got.status != 200 || got.body["object"] != "chat.completion" {
			t.Fatalf("stream without capability: %d %s", got.status, got.text)
		}
		return
	}
	if got.status != 200 || !strings.HasPrefix(got.header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %d %s %s", got.status, got.header.Get("Content-Type"), got.text)
	}
	events := dataEvents(got.text)
	if len(events) < 2 || events[len(events)-1] != "[DONE]" {
		t.Fatalf("events: %v", events)
	}
	var text strings.Builder
	for _, event := range events[:len(events)-1] {
		var chunk map[string]any
		if err := json.Unmarshal([]byte(event), &chunk); err != nil || chunk["object"] != "chat.completion.chunk" {
			t.Fatalf("chunk: %s", event)
		}
		if !strings.Contains(event, `"created":1700000000,`) {
			t.Fatalf("created is not an integer: %s", event)
		}
		delta := chunk["choices"].([]any)[0].(map[string]any)["delta"].(map[string]any)
		if content, ok := delta["content"].(string); ok {
			text.WriteString(content)
		}
	}
	if text.String() != "echo: hello there" || upstream.last().Body["stream"] != true {
		t.Fatalf("streamed %q", text.String())
	}

	upstream.setFault("401", "")
	expectError(t, call(t, "POST", url+"/chat/completions", request), "authentication_failed", 401)

	// A finished answer whose upstream forgot [DONE]: [DONE] is added, no error.
	upstream.setFault("no-done", "")
	got = call(t, "POST", url+"/chat/completions", request)
	if events := dataEvents(got.text); events[len(events)-1] != "[DONE]" || !strings.Contains(events[len(events)-2], `"finish_reason":"stop"`) {
		t.Fatalf("no-done: %v", events)
	}

	// Two choices (n: 2) that both finished, without [DONE]: [DONE] is added, no error.
	upstream.setFault("two-choices-no-done", "")
	got = call(t, "POST", url+"/chat/completions", withChoices(request, 2))
	events = dataEvents(got.text)
	if events[len(events)-1] != "[DONE]" || !reflect.DeepEqual(finishedChoices(t, events[:len(events)-1]), []int{0, 1}) {
		t.Fatalf("two-choices-no-done: %v", events)
	}

	// With n > 1 every choice asked for must come and finish: index 0's finish_reason ends
	// neither an unfinished index 1 nor one that never came, so a stream that closes then
	// was cut, as a stream of one choice would be.
	for _, fault := range []string{"two-choices-cut", "two-choices-one-sent"} {
		upstream.setFault(fault, "")
		got = call(t, "POST", url+"/chat/completions", withChoices(request, 2))
		events = dataEvents(got.text)
		if len(events) < 2 || events[len(events)-1] != "[DONE]" {
			t.Fatalf("%s: %v", fault, events)
		}
		var cut map[string]any
		_ = json.Unmarshal([]byte(events[len(events)-2]), &cut)
		if cut["code"] != "provider_unavailable" || cut["transient"] != true {
			t.Fatalf("%s: error event %s", fault, events[len(events)-2])
		}
		expectCutMessage(t, cut)
	}

	// An error after the stream started, or a stream cut before its finish_reason: one
	// error event, then [DONE].
	call(t, "POST", url+"/initialize", validConfig(upstream.URL, map[string]any{"timeout": 1}))
	for fault, code := range map[string]string{"break": "provider_unavailable", "cut": "provider_unavailable", "stall": "timeout"} {
		upstream.setFault(fault, "")
		got := call(t, "POST", url+"/chat/completions", request)
		events := dataEvents(got.text)
		if got.status != 200 || len(events) < 3 || events[len(events)-1] != "[DONE]" {
			t.Fatalf("%s: %d %v", fault, got.status, events)
		}
		var failure map[string]any
		_ = json.Unmarshal([]byte(events[len(events)-2]), &failure)
		if failure["code"] != code || failure["transient"] != true || rawCode.MatchString(fmt.Sprint(failure["message"])) {
			t.Fatalf("%s: error event %s", fault, events[len(events)-2])
		}
	}
}

// An {"error": {...}} event after the 200 is the provider's failure, classified like an
// error answer of the same type, not an unreadable chunk: one error event, then [DONE].
func TestAnErrorTheProviderSendsInTheStreamIsOneErrorEvent(t *testing.T) {
	if !capabilities["streaming"] {
		t.Skip("streaming capability is off")
	}
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	overloaded := map[string]any{"message": "The engine is currently overloaded, please try again later", "type": "service_unavailable_error", "param": nil, "code": "server_is_overloaded"}
	rateLimited := map[string]any{"message": "Rate limit reached for requests. Please try again in 6ms.", "type": "requests", "param": nil, "code": "rate_limit_exceeded"}
	noQuota := map[string]any{"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "param": nil, "code": "insufficient_quota"}
	tooLong := map[string]any{"message": strings.Repeat("x", 300), "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}
	// A code sent as a number is the code, for the status and the classification alike (as
	// the Node and Python templates read it), not passed over for the type.
	numericCode := map[string]any{"message": "Service unavailable.", "type": "insufficient_quota", "param": nil, "code": 503}
	said := "the provider reported an error while streaming the answer"
	for _, c := range []struct {
		fault    string
		reported map[string]any
		code     string
		message  string
	}{
		{"stream-error-object", serverError, "provider_unavailable", said + " (server_error: " + serverError["message"].(string) + "); retrying may work"},
		{"stream-error-event", serverError, "provider_unavailable", said + " (server_error: " + serverError["message"].(string) + "); retrying may work"},
		{"stream-error-object", overloaded, "provider_unavailable", said + " (server_is_overloaded: " + overloaded["message"].(string) + "); retrying may work"},
		{"stream-error-object", rateLimited, "rate_limit_exceeded", said + " (rate_limit_exceeded: " + rateLimited["message"].(string) + "); retrying may work"},
		{"stream-error-object", noQuota, "quota_exceeded", said + " (insufficient_quota: " + noQuota["message"].(string) + ")"},
		{"stream-error-object", tooLong, "invalid_request", said + " (context_length_exceeded: " + strings.Repeat("x", 200) + ")"},
		{"stream-error-object", numericCode, "provider_unavailable", said + " (503: Service unavailable.); retrying may work"},
	} {
		upstream.setFault(c.fault, "")
		upstream.setStreamError(c.reported)
		events := dataEvents(call(t, "POST", url+"/chat/completions", map[string]any{"model": testModel, "messages": hello["messages"], "stream": true}).text)
		if len(events) != 3 || events[2] != "[DONE]" || !strings.Contains(events[0], "chat.completion.chunk") {
			t.Fatalf("%s %s: events %v", c.fault, c.code, events)
		}
		var failure map[string]any
		_ = json.Unmarshal([]byte(events[1]), &failure)
		if failure["code"] != c.code || failure["message"] != c.message {
			t.Fatalf("%s %s: error event %s, want message %q", c.fault, c.code, events[1], c.message)
		}
		// No status or Retry-After came with it, so none is made up.
		expectNoMadeUpDetails(t, failure)
		if failure["transient"] == true {
			expectCutMessage(t, failure)
		} else if message, _ := failure["message"].(string); rawCode.MatchString(message) {
			t.Fatalf("%s: message %q", c.code, message)
		}
	}
}

// expectNoMadeUpDetails fails when an in-stream error's details carry an upstream_status or
// retry_after: no HTTP status or headers came with it.
func expectNoMadeUpDetails(t *testing.T, failure map[string]any) {
	t.Helper()
	details, _ := failure["details"].(map[string]any)
	for _, key := range []string{"upstream_status", "retry_after"} {
		if _, found := details[key]; found {
			t.Fatalf("details has %s: %v", key, failure)
		}
	}
}

// Only a non-empty object or string is an error event (the same rule in the Python and Node
// templates), and only ASCII digits are a status.
func TestOnlyANonEmptyObjectOrStringIsAnErrorEvent(t *testing.T) {
	values := []any{map[string]any{"message": "down"}, "down", map[string]any{}, "", true, false, json.Number("0"), float64(1), []any{}, []any{"down"}, nil}
	for index, value := range values {
		if got, want := errorIn(map[string]any{"error": value}) != nil, index < 2; got != want {
			t.Fatalf("errorIn(%#v) = %v, want %v", value, got, want)
		}
	}
	if got := streamStatus(map[string]any{"code": "\u0664\u0662\u0669"}); got != 502 {
		t.Fatalf("Arabic-Indic digits as a status: %d", got)
	}
	if got := streamStatus(map[string]any{"code": "429"}); got != 429 {
		t.Fatalf("429 as a status: %d", got)
	}
}

// withChoices is a chat request asking for n choices.
func withChoices(request map[string]any, n int) map[string]any {
	asked := map[string]any{"n": n}
	for key, value := range request {
		asked[key] = value
	}
	return asked
}

// finishedChoices are the indexes of the choices a finish_reason ended, in order.
func finishedChoices(t *testing.T, events []string) []int {
	t.Helper()
	var finished []int
	for _, event := range events {
		var chunk struct {
			Choices []struct {
				Index        int     `json:"index"`
				FinishReason *string `json:"finish_reason"`
			} `json:"choices"`
		}
		if err := json.Unmarshal([]byte(event), &chunk); err != nil {
			t.Fatalf("chunk: %s", event)
		}
		for _, choice := range chunk.Choices {
			if choice.FinishReason != nil {
				finished = append(finished, choice.Index)
			}
		}
	}
	return finished
}

// dataEvents are the payloads of an SSE answer's `data:` lines.
func dataEvents(text string) []string {
	var events []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "data: ") {
			events = append(events, strings.TrimPrefix(line, "data: "))
		}
	}
	return events
}
