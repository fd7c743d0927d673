package main

// upstream_http.go: the HTTP plumbing under the adapter, the same whichever provider API
// it speaks, so upstream.go keeps only what its provider differs in. One client per plugin (idle
// connections reused), a JSON request bounded by the caller's context, a non-200 answer
// read by the adapter's own errorFromResponse, and transport failures and timeouts
// mapped to Loom's codes without echoing URLs (which may carry secrets).

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// upstreamHooks is what an adapter's HTTP calls differ in.
type upstreamHooks struct {
	// baseURL turns the configured endpoint (no trailing slash) into the URL every path
	// is appended to; nil keeps the endpoint.
	baseURL func(endpoint string) string
	// authorize sets the provider's auth headers; the key may be empty.
	authorize func(request *http.Request, apiKey string)
	// errorFromResponse maps a non-200 answer to Loom's error table.
	errorFromResponse func(response *http.Response) *PluginError
}

// httpUpstream is embedded in each adapter's Upstream.
type httpUpstream struct {
	base    string
	host    string // host[:port] of base, for messages: the URL may carry credentials or a key
	apiKey  string
	timeout time.Duration
	client  *http.Client
	hooks   upstreamHooks
}

func newHTTPUpstream(config Config, hooks upstreamHooks) httpUpstream {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 32 // concurrent requests reuse their connections
	base := strings.TrimRight(config.String("endpoint"), "/")
	if hooks.baseURL != nil {
		base = hooks.baseURL(base)
	}
	host := "the endpoint"
	if parsed, err := url.Parse(base); err == nil && parsed.Host != "" {
		host = parsed.Host
	}
	return httpUpstream{
		base:    base,
		host:    host,
		apiKey:  config.String("api_key"),
		timeout: time.Duration(config.Int("timeout")) * time.Second,
		client:  &http.Client{Transport: redirectsAnswered{transport}},
		hooks:   hooks,
	}
}

func (u *httpUpstream) close() { u.client.CloseIdleConnections() }

// redirectsAnswered is the client's transport: it makes a redirect an answer (the
// PluginError of redirected), not a new request, before http.Client sees it. The client
// would drop Authorization on the way to another host but keep a key header such as
// x-api-key; and it parses the Location before any CheckRedirect, so one it cannot parse
// (http://[::1) would come back as an error without the status.
type redirectsAnswered struct{ *http.Transport }

func (t redirectsAnswered) RoundTrip(request *http.Request) (*http.Response, error) {
	response, err := t.Transport.RoundTrip(request)
	if err != nil {
		return nil, err
	}
	if perr := redirected(response, request.URL); perr != nil {
		response.Body.Close()
		return nil, perr // failure finds it in the client's *url.Error
	}
	return response, nil
}

// send makes one request. The caller's context bounds it; a non-200 answer is mapped to
// a PluginError here (and its body closed).
func (u *httpUpstream) send(ctx context.Context, method, path string, body any) (*http.Response, *PluginError) {
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, newError("invalid_request", "the request cannot be encoded as JSON")
		}
		reader = bytes.NewReader(data)
	}
	request, err := http.NewRequestWithContext(ctx, method, u.base+path, reader)
	if err != nil {
		return nil, newError("internal_error", "the provider's URL is not usable")
	}
	u.hooks.authorize(request, u.apiKey)
	request.Header.Set("Accept", "application/json")
	if body != nil {
		request.Header.Set("Content-Type", "application/json")
	}
	response, err := u.client.Do(request)
	if err != nil {
		return nil, u.failure(ctx, err)
	}
	if response.StatusCode != http.StatusOK {
		defer response.Body.Close()
		return nil, u.hooks.errorFromResponse(response)
	}
	return response, nil
}

// redirected is a redirect as Loom's error, or nil for any other answer. It is answered,
// not followed (the key would go along), so the message says where to point endpoint:
// the status and the new scheme and host (the commonest redirect, http to https, keeps
// the host), never the Location's path or query (it may carry a token).
func redirected(response *http.Response, requested *url.URL) *PluginError {
	location := response.Header.Get("Location")
	if response.StatusCode < 300 || response.StatusCode > 399 || location == "" {
		return nil
	}
	where := "another address"
	if target, err := requested.Parse(location); err == nil && target.Host != "" {
		where = target.Scheme + "://" + target.Host
	}
	perr := newError("invalid_request", fmt.Sprintf("the endpoint redirected (%d) to %s; set the endpoint setting to the final URL "+
		"(redirects are not followed, so the API key never goes to another host)", response.StatusCode, where))
	perr.Details = map[string]any{"upstream_status": response.StatusCode}
	return perr
}

// failure maps a transport error before the whole answer is in: the timeout (for a
// stream, its idle timer: errStalled in the adapter's stream.go), a PluginError already
// made, or an unreachable upstream.
func (u *httpUpstream) failure(ctx context.Context, err error) *PluginError {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(context.Cause(ctx), errStalled) {
		return newError("timeout", fmt.Sprintf("the provider did not answer within %s; retrying or a larger timeout setting may help", u.timeout))
	}
	var pluginErr *PluginError
	if errors.As(err, &pluginErr) {
		return pluginErr
	}
	return newError("provider_unavailable", unreachable(err, u.host))
}

// streamFailure maps a transport error after a stream started: a stall (errStalled in
// the adapter's stream.go) or a connection that broke mid-answer.
func (u *httpUpstream) streamFailure(ctx context.Context, err error) *PluginError {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(context.Cause(ctx), errStalled) {
		return newError("timeout", fmt.Sprintf("the provider sent nothing for %s while streaming the answer; retrying may work", u.timeout))
	}
	return newError("provider_unavailable", "the connection to the provider broke while streaming the answer; retrying may work")
}

// unreachable says why the provider could not be reached, as a sentence the user can act
// on. It names the host only (the URL may carry a key in its query) and never Go's own
// error text ("EOF", "read: connection reset by peer"), which says nothing to whoever
// reads Loom's error. It goes by the errors the client wraps (in a *url.Error, then a
// *net.OpError and the syscall's error), never by their text, which Go may reword.
func unreachable(err error, host string) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "cannot connect to " + host + ": connection refused; check the endpoint setting and that the provider is running"
	case errors.As(err, new(*net.DNSError)):
		return "cannot find the host " + host + "; check the endpoint setting"
	case isTLSFailure(err):
		return "cannot make a secure connection to " + host + "; check that the endpoint's https or http is right and its certificate is valid"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE):
		return "the provider at " + host + " closed the connection before answering; retrying may work"
	}
	return "cannot reach the provider at " + host + "; check the endpoint setting and the network"
}

// isTLSFailure: no TLS connection could be made, or an http server answered an https URL
// (http.ErrSchemeMismatch).
func isTLSFailure(err error) bool {
	return errors.Is(err, http.ErrSchemeMismatch) || errors.As(err, new(*tls.CertificateVerificationError)) ||
		errors.As(err, new(tls.RecordHeaderError)) || errors.As(err, new(x509.UnknownAuthorityError)) ||
		errors.As(err, new(x509.HostnameError)) || errors.As(err, new(x509.CertificateInvalidError))
}

// fetch sends a request and reads its whole answer, all within the timeout.
func (u *httpUpstream) fetch(parent context.Context, method, path string, body any) ([]byte, *PluginError) {
	ctx, cancel := context.WithTimeout(parent, u.timeout)
	defer cancel()
	response, perr := u.send(ctx, method, path, body)
	if perr != nil {
		return nil, perr
	}
	defer response.Body.Close()
	data, err := io.ReadAll(response.Body)
	if err != nil {
		return nil, u.failure(ctx, err)
	}
	return data, nil
}

// getObject fetches an answer that must be a JSON object (every provider API but
// OpenAI's, whose model list may be a bare array: see its getJSON).
func (u *httpUpstream) getObject(ctx context.Context, method, path string, body any) (map[string]any, *PluginError) {
	data, perr := u.fetch(ctx, method, path, body)
	if perr != nil {
		return nil, perr
	}
	var value map[string]any
	if err := json.Unmarshal(data, &value); err != nil {
		return nil, newError("internal_error", "the provider answered with something that is not a JSON object")
	}
	return value, nil
}
