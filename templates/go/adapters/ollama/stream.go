package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// errStalled cancels a stream whose upstream sent nothing for a whole timeout.
var errStalled = errors.New("upstream stream stalled")

// ChatStream opens Ollama's NDJSON stream (an upstream error before it is an ordinary
// JSON error), then writes OpenAI-style chunks as lines arrive; the `done` line carries
// the finish reason and usage. An error after the stream started (an {"error"} line, a
// broken or stalled connection) is one error event, then [DONE].
func (u *Upstream) ChatStream(ctx context.Context, w http.ResponseWriter, request map[string]any) *PluginError {
	body, perr := toOllama(request)
	if perr != nil {
		return perr
	}
	body["stream"] = true
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// An idle timer instead of a deadline: a long answer may stream for minutes, but
	// the upstream may not go quiet for longer than the timeout.
	idle := time.AfterFunc(u.timeout, func() { cancel(errStalled) })
	defer idle.Stop()
	response, perr := u.send(ctx, http.MethodPost, "/api/chat", body)
	if perr != nil {
		return perr
	}
	defer response.Body.Close()

	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	send := func(value any) {
		payload := "[DONE]"
		if value != nil {
			data, _ := json.Marshal(value)
			payload = string(data)
		}
		fmt.Fprintf(w, "data: %s\n\n", payload)
		if flusher != nil {
			flusher.Flush()
		}
	}
	id, created, model := newID(), time.Now().Unix(), fmt.Sprint(request["model"])
	chunk := func(delta map[string]any, finish any, usage map[string]any) map[string]any {
		out := map[string]any{"id": id, "object": "chat.completion.chunk", "created": created, "model": model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
		if usage != nil {
			out["usage"] = usage
		}
		return out
	}
	send(chunk(map[string]any{"role": "assistant", "content": ""}, nil, nil))
	calls := 0
	scanner := bufio.NewScanner(response.Body)
	scanner.Buffer(make([]byte, 64<<10), 16<<20)
	for scanner.Scan() {
		idle.Reset(u.timeout)
		line := strings.TrimSpace(scanner.Text())
		if line == "" {
			continue
		}
		var data map[string]any
		if json.Unmarshal([]byte(line), &data) != nil {
			send(newError("internal_error", "the provider sent an unreadable stream line").body())
			send(nil)
			return nil
		}
		if failure, ok := data["error"]; ok && failure != nil {
			// The model runner failed after the answer started: worth a retry.
			said := providerQuote(fmt.Sprint(failure))
			send(newError("provider_unavailable", providerReported("provider_unavailable", said, "an error", "streaming")).body())
			send(nil)
			return nil
		}
		message, _ := data["message"].(map[string]any)
		if content, _ := message["content"].(string); content != "" {
			send(chunk(map[string]any{"content": content}, nil, nil))
		}
		for _, raw := range toolCallsOf(message, calls) {
			delta := raw.(map[string]any)
			delta["index"] = calls
			send(chunk(map[string]any{"tool_calls": []any{delta}}, nil, nil))
			calls++
		}
		if data["done"] == true {
			send(chunk(map[string]any{}, finishReason(data, calls > 0), usageOf(data)))
			send(nil)
			return nil
		}
	}
	if err := scanner.Err(); err != nil {
		send(u.streamFailure(ctx, err).body())
	} else {
		// Closed without a done line: the answer is incomplete, say so.
		send(newError("provider_unavailable", "the provider ended the stream before the answer was finished (no done line); retrying may work").body())
	}
	send(nil)
	return nil
}
