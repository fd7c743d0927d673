// Command {{package_name}} is a Loom AI-provider plugin: an HTTP server that forwards
// chat completions to an OpenAI-compatible upstream.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const defaultPort = {{port|json}}

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// Flush keeps streaming working through the recorder.
func (r *statusRecorder) Flush() {
	if flusher, ok := r.ResponseWriter.(http.Flusher); ok {
		flusher.Flush()
	}
}

// logRequests writes one line per request: method, path, status, milliseconds. Never
// bodies, headers or the query string (any of them may carry secrets).
func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started := time.Now()
		recorder := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(recorder, r)
		log.Printf("%s %s %d %dms", r.Method, r.URL.Path, recorder.status, time.Since(started).Milliseconds())
	})
}

func main() {
	log.SetFlags(0)
	log.SetOutput(os.Stdout)
	host := os.Getenv("HOST")
	if host == "" {
		host = "127.0.0.1"
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = defaultPort
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		log.Fatalf("cannot listen on %s: %v", net.JoinHostPort(host, port), err)
	}
	fmt.Printf("%s listening on http://%s\n", metadata["name"], listener.Addr())

	// SIGTERM (docker stop, the Loom host, loom-plugin) or Ctrl+C ends serve.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := serve(ctx, listener, logRequests(newPlugin().routes())); err != nil {
		log.Fatalf("server stopped: %v", err)
	}
	fmt.Println("stopped")
}

// serve answers requests until ctx is done, then stops accepting, lets requests in
// flight finish (up to 5 s) and returns nil.
func serve(ctx context.Context, listener net.Listener, handler http.Handler) error {
	server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
