package main

// What every fake upstream in these tests shares: an httptest server on 127.0.0.1 (no
// network), the request read and recorded, JSON answers, the faults that behave alike
// for every API, and a close that leaves nothing behind. The adapter's
// fake_upstream_test.go says the rest (auth, routes, bodies, its stream) in the handler
// it passes to serve; its fakeUpstream embeds fakeServer.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// fakeServer is the state the tests steer: the next fault, its Retry-After, and what the
// fake received. Guard anything else the adapter adds with mu too.
type fakeServer struct {
	*httptest.Server
	mu         sync.Mutex
	fault      string
	retryAfter string
	echoed     string // what the "echo-key" fault's 401 says
	// errorIsText: the "echo-key" fault says it as the bare `error` text of an API that
	// sends only that (Ollama), not in every other API's error shape at once.
	errorIsText bool
	received    []receivedRequest
	closing     chan struct{}
}

// redirectSecret is in the query of the "redirect" fault's Location: a plugin must never
// repeat it.
const redirectSecret = "redirect-s3cret"

// badLocation is the "bad-redirect" fault's Location: no URL (an unclosed IPv6 bracket),
// which URL parsers refuse.
const badLocation = "http://[::1"

type receivedRequest struct {
	Path   string
	Query  string
	Header http.Header
	Body   map[string]any
}

func (f *fakeServer) setFault(fault, retryAfter string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault, f.retryAfter = fault, retryAfter
}

// echoKey makes the next request fail with a 401 that says `said` (the "echo-key" fault).
func (f *fakeServer) echoKey(said string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault, f.echoed = "echo-key", said
}

func (f *fakeServer) last() receivedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.received[len(f.received)-1]
}

// serve starts the server until the test ends: each request's JSON body is read (and a
// POST recorded) before handle answers it. The "echo-key" fault is answered before
// handle, whatever key was sent (answerEchoKey).
func (f *fakeServer) serve(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, body map[string]any)) {
	t.Helper()
	f.closing = make(chan struct{})
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		if r.Method == http.MethodPost {
			f.mu.Lock()
			f.received = append(f.received, receivedRequest{r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
			f.mu.Unlock()
		}
		if f.answerEchoKey(w) {
			return
		}
		handle(w, r, body)
	}))
	t.Cleanup(func() {
		close(f.closing)
		f.Server.CloseClientConnections()
		f.Server.Close()
	})
}

// withOverrides is config with overrides laid over it (validConfig's overrides).
func withOverrides(config, overrides map[string]any) map[string]any {
	for key, value := range overrides {
		config[key] = value
	}
	return config
}

// answerEchoKey takes the "echo-key" fault: a 401 saying what echoKey was given, in every
// API's error shape at once (or as the bare `error` text); true when it did.
func (f *fakeServer) answerEchoKey(w http.ResponseWriter) bool {
	f.mu.Lock()
	echo, said, asText := f.fault == "echo-key", f.echoed, f.errorIsText
	if echo {
		f.fault = ""
	}
	f.mu.Unlock()
	if !echo {
		return false
	}
	answer := map[string]any{"error": said}
	if !asText {
		shape := map[string]any{"message": said, "type": "authentication_error", "code": "invalid_api_key", "status": "UNAUTHENTICATED"}
		answer = map[string]any{"error": shape, "message": said}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	_ = json.NewEncoder(w).Encode(answer)
	return true
}

// answerFault answers "hang" (never), "reset" (a TCP reset), "garbage" (200 with the
// garbage text), "redirect" (307 to the same address, with redirectSecret in the query)
// and "bad-redirect" (302 to badLocation); true when it did.
func (f *fakeServer) answerFault(w http.ResponseWriter, r *http.Request, fault, garbage string) bool {
	switch fault {
	case "hang":
		f.quiet(r)
	case "reset":
		conn, _, _ := w.(http.Hijacker).Hijack()
		if tcp, ok := conn.(interface{ SetLinger(int) error }); ok {
			_ = tcp.SetLinger(0) // close with a TCP reset
		}
		conn.Close()
	case "garbage":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(garbage))
	case "redirect":
		location := *r.URL
		query := location.Query()
		query.Set("sig", redirectSecret)
		location.RawQuery = query.Encode()
		http.Redirect(w, r, f.URL+location.RequestURI(), http.StatusTemporaryRedirect)
	case "bad-redirect":
		w.Header().Set("Location", badLocation) // as is: http.Redirect would rewrite it
		w.WriteHeader(http.StatusFound)
	default:
		return false
	}
	return true
}

// interrupt, in a stream after the first event: "stall" goes quiet, "break" drops the
// connection (the chunked body ends without its terminating chunk), "cut" ends the answer
// cleanly before the provider's end event; true when it did any of these.
func (f *fakeServer) interrupt(w http.ResponseWriter, r *http.Request, fault string) bool {
	switch fault {
	case "stall":
		f.quiet(r)
	case "break":
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	case "cut":
		// nothing more: the handler returns and the chunked body ends properly
	default:
		return false
	}
	return true
}

// quiet answers nothing until the test ends or the client gives up.
func (f *fakeServer) quiet(r *http.Request) {
	select {
	case <-f.closing:
	case <-r.Context().Done():
	}
}
