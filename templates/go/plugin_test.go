package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// testPlugin serves the plugin's routes with LOOM_CONFIG_* read from env (not the
// process environment).
func testPlugin(t *testing.T, env map[string]string) (*httptest.Server, *Plugin) {
	t.Helper()
	plugin := newPlugin()
	plugin.getenv = func(name string) (string, bool) { value, ok := env[name]; return value, ok }
	server := httptest.NewServer(plugin.routes())
	t.Cleanup(server.Close)
	return server, plugin
}

type answer struct {
	status int
	header http.Header
	text   string
	body   map[string]any
	list   []any
}

func call(t *testing.T, method, url string, body any) answer {
	t.Helper()
	var reader io.Reader
	switch value := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(value)
	default:
		data, _ := json.Marshal(value)
		reader = bytes.NewReader(data)
	}
	request, _ := http.NewRequest(method, url, reader)
	request.Header.Set("Content-Type", "application/json")
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer response.Body.Close()
	data, _ := io.ReadAll(response.Body)
	result := answer{status: response.StatusCode, header: response.Header, text: string(data)}
	_ = json.Unmarshal(data, &result.body)
	_ = json.Unmarshal(data, &result.list)
	return result
}

func expectError(t *testing.T, got answer, code string, status int) {
	t.Helper()
	if got.status != status || got.body["code"] != code {
		t.Fatalf("want %d %s, got %d %s", status, code, got.status, got.text)
	}
	if message, _ := got.body["message"].(string); message == "" {
		t.Fatalf("error without a message: %s", got.text)
	}
	if _, ok := got.body["transient"].(bool); !ok {
		t.Fatalf("error without a transient flag: %s", got.text)
	}
	if transient := got.body["transient"].(bool); transient != errorTable[code].transient {
		t.Fatalf("%s: transient %v", code, transient)
	}
}

func initialized(t *testing.T, upstream *fakeUpstream) string {
	t.Helper()
	server, _ := testPlugin(t, nil)
	got := call(t, "POST", server.URL+"/initialize", map[string]any{"api_key": testAPIKey, "endpoint": upstream.URL, "timeout": 2})
	if got.status != 200 {
		t.Fatalf("initialize: %d %s", got.status, got.text)
	}
	return server.URL
}

var hello = map[string]any{"model": "fake-small", "messages": []any{map[string]any{"role": "user", "content": "hello there"}}}

func TestMetadataIsTheManifests(t *testing.T) {
	server, _ := testPlugin(t, nil)
	got := call(t, "GET", server.URL+"/metadata", nil)
	raw, err := os.ReadFile("plugin.json")
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Metadata map[string]any `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	if got.status != 200 || !reflect.DeepEqual(got.body, manifest.Metadata) {
		t.Fatalf("metadata: %d %s\nplugin.json: %v (changed since the build? rebuild)", got.status, got.text, manifest.Metadata)
	}
}

func TestLifecycle(t *testing.T) {
	upstream := startFakeUpstream(t)
	server, _ := testPlugin(t, nil)
	expectError(t, call(t, "GET", server.URL+"/models", nil), "provider_unavailable", 503)
	expectError(t, call(t, "POST", server.URL+"/chat/completions", hello), "provider_unavailable", 503)
	if got := call(t, "GET", server.URL+"/health", nil); got.status != 200 || got.body["healthy"] != false {
		t.Fatalf("health before initialize: %d %s", got.status, got.text)
	}

	config := map[string]any{"api_key": testAPIKey, "endpoint": upstream.URL}
	if got := call(t, "POST", server.URL+"/initialize", config); got.status != 200 || got.text != "{}\n" {
		t.Fatalf("initialize: %d %s", got.status, got.text)
	}
	health := call(t, "GET", server.URL+"/health", nil)
	zoned := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$`)
	if health.body["healthy"] != true || !zoned.MatchString(fmt.Sprint(health.body["timestamp"])) ||
		!regexp.MustCompile(`"latency_ms":\d+[,}]`).MatchString(health.text) {
		t.Fatalf("health: %s", health.text)
	}
	models := call(t, "GET", server.URL+"/models", nil)
	if models.status != 200 || len(models.list) != 2 || models.list[0].(map[string]any)["id"] != "fake-small" {
		t.Fatalf("models: %d %s", models.status, models.text)
	}

	if got := call(t, "POST", server.URL+"/cleanup", nil); got.status != 200 {
		t.Fatalf("cleanup: %d", got.status)
	}
	if got := call(t, "GET", server.URL+"/health", nil); got.body["healthy"] != false {
		t.Fatalf("health after cleanup: %s", got.text)
	}
	for i := 0; i < 2; i++ { // again after cleanup, and twice in a row
		if got := call(t, "POST", server.URL+"/initialize", config); got.status != 200 {
			t.Fatalf("initialize again: %d %s", got.status, got.text)
		}
	}
	if got := call(t, "GET", server.URL+"/health", nil); got.body["healthy"] != true {
		t.Fatalf("health after reinitialize: %s", got.text)
	}
}

func TestEmptyInitializeUsesLoomConfigEnv(t *testing.T) {
	upstream := startFakeUpstream(t)
	env := map[string]string{}
	server, _ := testPlugin(t, env)
	expectError(t, call(t, "POST", server.URL+"/initialize", map[string]any{}), "invalid_request", 400)
	env["LOOM_CONFIG_API_KEY"], env["LOOM_CONFIG_ENDPOINT"], env["LOOM_CONFIG_TIMEOUT"] = testAPIKey, upstream.URL, "5"
	if got := call(t, "POST", server.URL+"/initialize", map[string]any{}); got.status != 200 {
		t.Fatalf("initialize {}: %d %s", got.status, got.text)
	}
	if got := call(t, "GET", server.URL+"/models", nil); got.status != 200 {
		t.Fatalf("models: %d %s", got.status, got.text)
	}
	env["LOOM_CONFIG_TIMEOUT"] = "soon"
	got := call(t, "POST", server.URL+"/initialize", map[string]any{})
	expectError(t, got, "invalid_request", 400)
	if !strings.Contains(got.text, "LOOM_CONFIG_TIMEOUT") {
		t.Fatalf("message does not name the variable: %s", got.text)
	}
}

func TestBadConfigIsInvalidRequest(t *testing.T) {
	server, _ := testPlugin(t, nil)
	endpoint := "http://127.0.0.1:1"
	for _, body := range []any{
		map[string]any{"endpoint": endpoint},
		map[string]any{"api_key": testAPIKey},
		map[string]any{"api_key": 123, "endpoint": endpoint},
		map[string]any{"api_key": nil, "endpoint": endpoint},
		map[string]any{"api_key": "", "endpoint": endpoint},
		map[string]any{"api_key": testAPIKey, "endpoint": "ftp://example.com"},
		map[string]any{"api_key": testAPIKey, "endpoint": endpoint, "timeout": "30"},
		map[string]any{"api_key": testAPIKey, "endpoint": endpoint, "timeout": true},
		map[string]any{"api_key": testAPIKey, "endpoint": endpoint, "timeout": 1.5},
		map[string]any{"api_key": testAPIKey, "endpoint": endpoint, "timeout": 0},
		map[string]any{"api_key": testAPIKey, "endpoint": endpoint, "timeout": 301},
		[]any{"not", "an", "object"},
		"{nope",
	} {
		got := call(t, "POST", server.URL+"/initialize", body)
		expectError(t, got, "invalid_request", 400)
		if strings.Contains(got.text, testAPIKey) {
			t.Fatalf("the api key leaked into an error: %s", got.text)
		}
	}
}

func TestUnknownPathsAndMethodsGetJSONErrors(t *testing.T) {
	server, _ := testPlugin(t, nil)
	for _, route := range [][2]string{{"GET", "/nope"}, {"GET", "/chat/completions"}, {"DELETE", "/metadata"}, {"OPTIONS", "/metadata"}} {
		got := call(t, route[0], server.URL+route[1], nil)
		if !strings.HasPrefix(got.header.Get("Content-Type"), "application/json") {
			t.Fatalf("%v: content type %q", route, got.header.Get("Content-Type"))
		}
		expectError(t, got, "invalid_request", 400)
	}
}

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
	if seen.Path != "/chat/completions" || seen.Header.Get("Authorization") != "Bearer "+testAPIKey {
		t.Fatalf("upstream saw %s with %q", seen.Path, seen.Header.Get("Authorization"))
	}
	if seen.Body["temperature"] != 0.2 || seen.Body["max_tokens"] != 50.0 || seen.Body["plugin_specific"] != nil {
		t.Fatalf("forwarded body: %v", seen.Body)
	}
}

func TestBadChatBodiesAreInvalidRequest(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	for _, body := range []any{"not json", map[string]any{"model": "fake-small"}, map[string]any{"model": "fake-small", "messages": "hi"}, []any{1}} {
		expectError(t, call(t, "POST", url+"/chat/completions", body), "invalid_request", 400)
	}
	unknown := map[string]any{"model": "nope", "messages": hello["messages"]}
	expectError(t, call(t, "POST", url+"/chat/completions", unknown), "model_not_found", 404)
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
		{"422", "content_filter", 422},
		{"500", "provider_unavailable", 502},
		{"502", "provider_unavailable", 502},
		{"503", "provider_unavailable", 503},
		{"400", "invalid_request", 400},
		{"garbage", "internal_error", 500},
		{"reset", "provider_unavailable", 502},
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

func TestRefusedAndHangingUpstreams(t *testing.T) {
	upstream := startFakeUpstream(t)
	server, _ := testPlugin(t, nil)
	call(t, "POST", server.URL+"/initialize", map[string]any{"api_key": testAPIKey, "endpoint": "http://127.0.0.1:9"})
	expectError(t, call(t, "POST", server.URL+"/chat/completions", hello), "provider_unavailable", 502)

	call(t, "POST", server.URL+"/initialize", map[string]any{"api_key": testAPIKey, "endpoint": upstream.URL, "timeout": 1})
	upstream.setFault("hang", "")
	started := time.Now()
	expectError(t, call(t, "POST", server.URL+"/chat/completions", hello), "timeout", 504)
	if elapsed := time.Since(started); elapsed > 3*time.Second {
		t.Fatalf("timeout took %s", elapsed)
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
	var events []string
	for _, line := range strings.Split(got.text, "\n") {
		if strings.HasPrefix(line, "data: ") {
			events = append(events, strings.TrimPrefix(line, "data: "))
		}
	}
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
		text.WriteString(fmt.Sprint(delta["content"]))
	}
	if text.String() != "echo: hello there" || upstream.last().Body["stream"] != true {
		t.Fatalf("streamed %q", text.String())
	}

	upstream.setFault("401", "")
	expectError(t, call(t, "POST", url+"/chat/completions", request), "authentication_failed", 401)

	// An error after the stream started: one error event, then [DONE].
	call(t, "POST", url+"/initialize", map[string]any{"api_key": testAPIKey, "endpoint": upstream.URL, "timeout": 1})
	for fault, code := range map[string]string{"break": "provider_unavailable", "stall": "timeout"} {
		upstream.setFault(fault, "")
		got := call(t, "POST", url+"/chat/completions", request)
		var events []string
		for _, line := range strings.Split(got.text, "\n") {
			if strings.HasPrefix(line, "data: ") {
				events = append(events, strings.TrimPrefix(line, "data: "))
			}
		}
		if got.status != 200 || len(events) < 3 || events[len(events)-1] != "[DONE]" {
			t.Fatalf("%s: %d %v", fault, got.status, events)
		}
		var failure map[string]any
		_ = json.Unmarshal([]byte(events[len(events)-2]), &failure)
		if failure["code"] != code || failure["transient"] != true {
			t.Fatalf("%s: error event %s", fault, events[len(events)-2])
		}
	}
}

func TestConcurrentRequestsAndGracefulShutdown(t *testing.T) {
	upstream := startFakeUpstream(t)
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	plugin := newPlugin()
	plugin.getenv = func(string) (string, bool) { return "", false }
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, listener, logRequests(plugin.routes())) }()
	url := "http://" + listener.Addr().String()
	call(t, "POST", url+"/initialize", map[string]any{"api_key": testAPIKey, "endpoint": upstream.URL, "timeout": 1})

	var wg sync.WaitGroup
	statuses := make([]int, 16)
	for i := range statuses {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			statuses[i] = call(t, "POST", url+"/chat/completions", hello).status
		}(i)
	}
	wg.Wait()
	for _, status := range statuses {
		if status != 200 {
			t.Fatalf("concurrent statuses: %v", statuses)
		}
	}

	// A request in flight when the server is told to stop still gets its answer.
	upstream.setFault("hang", "")
	slow := make(chan answer, 1)
	go func() { slow <- call(t, "POST", url+"/chat/completions", hello) }()
	time.Sleep(300 * time.Millisecond)
	stop()
	if got := <-slow; got.status != 504 {
		t.Fatalf("in-flight request: %d %s", got.status, got.text)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(6 * time.Second):
		t.Fatal("serve did not return after shutdown")
	}
}
