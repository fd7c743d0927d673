package main

// What every adapter answers alike, whatever API is behind it: bodies Loom's contract
// rejects, an unknown model, and an upstream that sends garbage, resets, refuses or hangs.
// These answers come from the shared handlers and upstream_http.go, so they are tested
// once, against the adapter's fake (startFakeUpstream, testModel, validConfig, and the
// fake's setFault with "garbage", "reset" and "hang"). The adapter's chat_test.go covers
// what is particular to its API.

import (
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestBadRequestBodiesAreInvalidRequest(t *testing.T) {
	url := initialized(t, startFakeUpstream(t))
	for _, body := range []any{"not json", map[string]any{"model": testModel}, map[string]any{"model": testModel, "messages": "hi"}, []any{1}} {
		expectError(t, call(t, "POST", url+"/chat/completions", body), "invalid_request", 400)
	}
}

func TestUnknownModelIsModelNotFound(t *testing.T) {
	url := initialized(t, startFakeUpstream(t))
	unknown := map[string]any{"model": "nope", "messages": hello["messages"]}
	got := call(t, "POST", url+"/chat/completions", unknown)
	expectError(t, got, "model_not_found", 404)
	// "the provider", as plugin users say; "upstream" is the template's own word.
	if message, _ := got.body["message"].(string); !strings.HasPrefix(message, "the provider answered 404") {
		t.Fatalf("unknown model: message %q", message)
	}
}

func TestGarbageFromUpstreamIsInternalError(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	upstream.setFault("garbage", "")
	got := call(t, "POST", url+"/chat/completions", hello)
	expectError(t, got, "internal_error", 500)
	if message, _ := got.body["message"].(string); !strings.HasPrefix(message, "the provider ") || strings.Contains(message, "upstream") {
		t.Fatalf("garbage: message %q", message)
	}
}

func TestResetAndRefusedConnectionsAreProviderUnavailableSaidPlainly(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	upstream.setFault("reset", "")
	got := call(t, "POST", url+"/chat/completions", hello)
	expectError(t, got, "provider_unavailable", 502)
	expectPlainMessage(t, got, "closed the connection before answering; retrying may work")

	// The host is named; the query (which may carry a secret) and the key are not.
	host := closedAddress(t)
	endpoint := "http://" + host + "/v1?token=s3cret"
	key, _ := validConfig(endpoint, nil)["api_key"].(string) // empty for an API without a key
	url = initializedWith(t, endpoint, nil)
	got = call(t, "POST", url+"/chat/completions", hello)
	expectError(t, got, "provider_unavailable", 502)
	expectPlainMessage(t, got, "cannot connect to "+host+": connection refused; check the endpoint")
	for _, secret := range []string{"s3cret", key} {
		if secret != "" && strings.Contains(got.text, secret) {
			t.Fatalf("the message shows %q: %s", secret, got.text)
		}
	}
}

func TestAProviderThatEchoesTheKeyDoesNotPutItInTheAnswer(t *testing.T) {
	upstream := startFakeUpstream(t)
	key, _ := validConfig(upstream.URL, nil)["api_key"].(string)
	if key == "" {
		t.Skip("this API has no key")
	}
	url := initialized(t, upstream)
	upstream.echoKey("Incorrect API key provided: " + key)
	got := call(t, "POST", url+"/chat/completions", hello)
	expectError(t, got, "authentication_failed", 401)
	if message, _ := got.body["message"].(string); strings.Contains(message, key) || !strings.Contains(message, "[api_key]") {
		t.Fatalf("echoed key: message %q", message)
	}
}

// oddKey is as long as real keys, with the characters that change when percent-encoded or
// JSON-escaped.
const oddKey = "sk-Zq8+v/W3xR=kT9pLm2+nB7/cV4dF6hJ1aS0="

// echoed is the error answer to a chat when oddKey is configured and the provider says said.
func echoed(t *testing.T, said string) answer {
	t.Helper()
	upstream := startFakeUpstream(t)
	url := initializedWith(t, upstream.URL, map[string]any{"api_key": oddKey})
	upstream.echoKey(said)
	got := call(t, "POST", url+"/chat/completions", hello)
	expectError(t, got, "authentication_failed", 401)
	return got
}

func TestNoPartOfTheKeyIsLeftWhenTheCutOfTheProviderMessageFallsInsideIt(t *testing.T) {
	// The key starts at character 185 of the provider's message, quoted up to 200.
	got := echoed(t, "Incorrect API key provided: "+strings.Repeat(".", 157)+oddKey+". Find your key at https://example.com/keys")
	if message, _ := got.body["message"].(string); strings.Contains(got.text, oddKey[:8]) || !strings.Contains(message, "[api_key]") {
		t.Fatalf("cut key: %s", got.text)
	}
}

func TestTheKeyIsHiddenPercentEncodedInEitherCaseAndJSONEscapedToo(t *testing.T) {
	encoded := url.QueryEscape(oddKey)
	lower := regexp.MustCompile("%[0-9A-F]{2}").ReplaceAllStringFunc(encoded, strings.ToLower)
	escaped := strings.ReplaceAll(oddKey, "/", `\/`)
	forms := []string{encoded, lower, escaped}
	got := echoed(t, "refused ?key="+encoded+" &k="+lower+` {"key":"`+escaped+`"}`)
	message, _ := got.body["message"].(string)
	for _, form := range forms {
		if strings.Contains(message, form) {
			t.Fatalf("encoded key: message %q", message)
		}
	}
	if strings.Count(message, "[api_key]") != len(forms) {
		t.Fatalf("encoded key: message %q", message)
	}
}

func TestEveryStringOfAnErrorAnswerIsCleanedOfEverySecretDetailsIncluded(t *testing.T) {
	hideSecrets(map[string]string{"api_key": oddKey, "org_token": "org-s3cret-value"}) // as /initialize does
	t.Cleanup(func() { hideSecrets(nil) })
	err := newError("invalid_request", "refused")
	err.Details = map[string]any{"upstream_status": 400, "upstream": map[string]any{"param": "key=" + oddKey, "seen": []any{oddKey, 1, nil, "org-s3cret-value"}}}
	got, _ := json.Marshal(err.body()["details"])
	if want := `{"upstream":{"param":"key=[api_key]","seen":["[api_key]",1,null,"[org_token]"]},"upstream_status":400}`; string(got) != want {
		t.Fatalf("details: %s", got)
	}
}

func TestUnreachableTellsFailuresApartByTheirErrorsNotTheirText(t *testing.T) {
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	// A certificate no one vouches for: the handshake fails on purpose, so no log of it.
	secure := httptest.NewUnstartedServer(http.NotFoundHandler())
	secure.Config.ErrorLog = log.New(io.Discard, "", 0)
	secure.StartTLS()
	defer secure.Close()
	noHost := &url.Error{Op: "Post", URL: "http://api.example:8443", Err: &net.OpError{Op: "dial", Net: "tcp",
		Err: &net.DNSError{Err: "no such host", Name: "api.example", IsNotFound: true}}}
	for _, test := range []struct {
		name string
		err  error
		want string
	}{
		{"refused", post(t, "http://"+closedAddress(t)), "cannot connect to api.example:8443: connection refused;"},
		{"no such host", noHost, "cannot find the host api.example:8443;"},
		{"https to an http server", post(t, "https://"+plain.Listener.Addr().String()), "cannot make a secure connection to api.example:8443;"},
		{"unknown certificate authority", post(t, secure.URL), "cannot make a secure connection to api.example:8443;"},
		{"reset", post(t, "http://"+hangUpAddress(t, true)), "the provider at api.example:8443 closed the connection before answering;"},
		{"closed", post(t, "http://"+hangUpAddress(t, false)), "the provider at api.example:8443 closed the connection before answering;"},
		// The text alone says nothing: it is Go's, and may change.
		{"only the words", errors.New("dial tcp: connection refused"), "cannot reach the provider at api.example:8443;"},
	} {
		if got := unreachable(test.err, "api.example:8443"); !strings.HasPrefix(got, test.want) {
			t.Errorf("%s (%v): %q, want %q...", test.name, test.err, got, test.want)
		}
	}
}

// post is the error a plain client's POST to url ends in.
func post(t *testing.T, url string) error {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	response, err := client.Post(url, "application/json", strings.NewReader("{}"))
	if err == nil {
		response.Body.Close()
		t.Fatalf("POST %s answered %d", url, response.StatusCode)
	}
	return err
}

// hangUpAddress is a 127.0.0.1 address that reads a request, then hangs up without an
// answer: with a TCP reset, or a clean close.
func hangUpAddress(t *testing.T, reset bool) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { listener.Close() })
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			_, _ = conn.Read(make([]byte, 4096))
			if reset {
				_ = conn.(*net.TCPConn).SetLinger(0)
			}
			conn.Close()
		}
	}()
	return listener.Addr().String()
}

// rawCode is what a user cannot act on: a socket or library code (ECONNRESET, EOF) or
// Go's own error text.
var rawCode = regexp.MustCompile(`UND_ERR|\bE[A-Z_]{2,}\b|[a-z]Error\b|\b(read|dial|write) tcp\b`)

// expectPlainMessage checks an error's message says want, in words.
func expectPlainMessage(t *testing.T, got answer, want string) {
	t.Helper()
	message, _ := got.body["message"].(string)
	if !strings.Contains(message, want) || rawCode.MatchString(message) {
		t.Fatalf("message %q, want one saying %q in words", message, want)
	}
}

// expectCutMessage checks that a stream the provider ended before its end event, or with
// an error of its own, is told as a sentence the user can act on, about "the provider",
// not in the template's own terms ("upstream").
func expectCutMessage(t *testing.T, failure map[string]any) {
	t.Helper()
	message, _ := failure["message"].(string)
	if !strings.Contains(message, "retrying may work") || strings.Contains(message, "upstream") {
		t.Fatalf("cut: message %q, want a plain sentence saying retrying may work", message)
	}
}

// closedAddress is a 127.0.0.1 address nothing listens on.
func closedAddress(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := listener.Addr().String()
	listener.Close()
	return address
}

func TestARedirectIsAnsweredNotFollowed(t *testing.T) {
	// Followed, it would carry a key header such as x-api-key to wherever it points.
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	upstream.setFault("redirect", "")
	got := call(t, "POST", url+"/chat/completions", hello)
	if got.status < 400 {
		t.Fatalf("a redirect followed: %d %s", got.status, got.text)
	}
	upstream.mu.Lock()
	sent := len(upstream.received)
	upstream.mu.Unlock()
	if sent != 1 {
		t.Fatalf("requests sent upstream: %d", sent)
	}
	// It says where the endpoint points now: the status, scheme and host, not the Location's query.
	expectError(t, got, "invalid_request", 400)
	want := "the endpoint redirected (307) to " + upstream.URL + "; set the endpoint setting to the final URL"
	if message, _ := got.body["message"].(string); !strings.HasPrefix(message, want) || strings.Contains(message, redirectSecret) {
		t.Fatalf("message %q, want %q...", message, want)
	}
}

func TestARedirectToSomethingThatIsNoURLIsAnsweredAlike(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initialized(t, upstream)
	upstream.setFault("bad-redirect", "")
	got := call(t, "POST", url+"/chat/completions", hello)
	expectError(t, got, "invalid_request", 400)
	want := "the endpoint redirected (302) to another address; set the endpoint setting to the final URL"
	if message, _ := got.body["message"].(string); !strings.HasPrefix(message, want) || strings.Contains(message, badLocation) {
		t.Fatalf("message %q, want %q...", message, want)
	}
}

func TestHangingUpstreamIsTimeout(t *testing.T) {
	upstream := startFakeUpstream(t)
	url := initializedWith(t, upstream.URL, map[string]any{"timeout": 1})
	upstream.setFault("hang", "")
	started := time.Now()
	expectError(t, call(t, "POST", url+"/chat/completions", hello), "timeout", 504)
	// The configured timeout (1 s) bounds the wait, not some default far above it.
	if elapsed := time.Since(started); elapsed > 3*time.Second {
		t.Fatalf("timeout took %s", elapsed)
	}
}
