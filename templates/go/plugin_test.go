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
	return initializedWith(t, upstream.URL, nil)
}

// initializedWith starts a plugin, initializes it with the adapter's valid config for
// endpoint (timeout 2 s) changed by overrides, and answers the plugin's URL.
func initializedWith(t *testing.T, endpoint string, overrides map[string]any) string {
	t.Helper()
	server, _ := testPlugin(t, nil)
	got := call(t, "POST", server.URL+"/initialize", validConfig(endpoint, withOverrides(map[string]any{"timeout": 2}, overrides)))
	if got.status != 200 {
		t.Fatalf("initialize: %d %s", got.status, got.text)
	}
	return server.URL
}

var hello = map[string]any{"model": testModel, "messages": []any{map[string]any{"role": "user", "content": "hello there"}}}

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

	config := validConfig(upstream.URL, nil)
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
	if models.status != 200 || len(models.list) != 2 || models.list[0].(map[string]any)["id"] != testModel {
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
	required := false
	for _, field := range configSchema {
		required = required || field["required"] == true
	}
	if required { // with a required field, {} alone is not a config; without one it is
		expectError(t, call(t, "POST", server.URL+"/initialize", map[string]any{}), "invalid_request", 400)
	}
	for key, value := range validConfig(upstream.URL, map[string]any{"timeout": 5}) {
		env[envName(key)] = fmt.Sprint(value)
	}
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
	for _, body := range badConfigs() {
		got := call(t, "POST", server.URL+"/initialize", body)
		expectError(t, got, "invalid_request", 400)
		if strings.Contains(got.text, testAPIKey) {
			t.Fatalf("the api key leaked into an error: %s", got.text)
		}
	}
}

// badConfigs are /initialize bodies to refuse, built from the manifest's own fields so
// every provider API's config is covered.
func badConfigs() []any {
	good := validConfig("http://127.0.0.1:1", nil)
	with := func(name string, value any) map[string]any {
		config := map[string]any{}
		for key, v := range good {
			config[key] = v
		}
		if value == nil {
			delete(config, name)
		} else {
			config[name] = value
		}
		return config
	}
	bad := []any{with("endpoint", "ftp://example.com"), []any{"not", "an", "object"}, "{nope", with("timeout", 0.5)}
	for _, field := range configSchema {
		name, kind := field["name"].(string), field["type"].(string)
		if field["required"] == true {
			bad = append(bad, with(name, nil))
		}
		if kind == "string" {
			bad = append(bad, with(name, 123), with(name, false))
			if field["required"] == true {
				bad = append(bad, with(name, ""))
			}
		}
		if kind == "int" {
			bad = append(bad, with(name, "30"), with(name, true), with(name, 1.5))
			rules, _ := field["validation"].(map[string]any)
			if min, ok := rules["min"].(float64); ok {
				bad = append(bad, with(name, min-1))
			}
			if max, ok := rules["max"].(float64); ok {
				bad = append(bad, with(name, max+1))
			}
		}
	}
	return bad
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
	call(t, "POST", url+"/initialize", validConfig(upstream.URL, map[string]any{"timeout": 1}))

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
