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

// streamState turns Gemini's chunks into OpenAI-style chunks.
type streamState struct {
	id, model string
	created   int64
	usage     map[string]any
	finish    string
	calls     int
	started   bool
}

func (s *streamState) chunk(delta map[string]any, finish any, usage map[string]any) map[string]any {
	chunk := map[string]any{
		"id": s.id, "object": "chat.completion.chunk", "created": s.created, "model": s.model,
		"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
	}
	if usage != nil {
		chunk["usage"] = usage
	}
	return chunk
}

// streamError is an error Gemini reports inside the stream: mapped like an HTTP error, told
// like the other stream failures, with what the provider said.
func streamError(upstream rpcError) *PluginError {
	failure := loomError(upstream.Code, upstream, "")
	said := providerQuote(upstream.Message)
	if upstream.Status != "" && said != "" {
		said = upstream.Status + ": " + said
	} else if upstream.Status != "" {
		said = upstream.Status
	}
	failure.Message = providerReported(failure.Code, said, "an error", "streaming")
	return failure
}

// translate maps one Gemini chunk to OpenAI chunks, or to the error it carries.
func (s *streamState) translate(data map[string]any) ([]map[string]any, *PluginError) {
	if raw, ok := data["error"].(map[string]any); ok {
		var upstream rpcError
		encoded, _ := json.Marshal(raw)
		_ = json.Unmarshal(encoded, &upstream)
		if upstream.Code == 0 {
			upstream.Code = 502
		}
		return nil, streamError(upstream)
	}
	if perr := blocked(data); perr != nil {
		return nil, perr
	}
	found, perr := candidate(data)
	if perr != nil {
		return nil, perr
	}
	if id, _ := data["responseId"].(string); id != "" {
		s.id = id
	}
	if usage, ok := data["usageMetadata"].(map[string]any); ok {
		s.usage = usage // each chunk repeats the running totals
	}
	out := []map[string]any{}
	if !s.started {
		s.started = true
		out = append(out, s.chunk(map[string]any{"role": "assistant", "content": ""}, nil, nil))
	}
	if found.text != "" {
		out = append(out, s.chunk(map[string]any{"content": found.text}, nil, nil))
	}
	for _, call := range found.calls {
		delta := toolCall(call, s.calls)
		delta["index"] = s.calls
		out = append(out, s.chunk(map[string]any{"tool_calls": []any{delta}}, nil, nil))
		s.calls++
	}
	if found.reason != nil {
		s.finish = finishReason(found.reason, s.calls > 0)
	}
	return out, nil
}

// ChatStream opens the alt=sse stream (an upstream error before it is an ordinary JSON
// error), then writes OpenAI-style chunks as Gemini's arrive. Gemini ends by closing the
// stream, so the last chunk (finish reason, usage) and [DONE] are sent then. An error
// after the stream started is one error event, then [DONE].
func (u *Upstream) ChatStream(ctx context.Context, w http.ResponseWriter, request map[string]any) *PluginError {
	body, perr := toGemini(request)
	if perr != nil {
		return perr
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// An idle timer instead of a deadline: a long answer may stream for minutes, but
	// the upstream may not go quiet for longer than the timeout.
	idle := time.AfterFunc(u.timeout, func() { cancel(errStalled) })
	defer idle.Stop()
	response, perr := u.send(ctx, http.MethodPost, "/models/"+modelPath(request)+":streamGenerateContent?alt=sse", body)
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
	model, _ := request["model"].(string)
	state := &streamState{id: newID(), model: model, created: time.Now().Unix(), usage: map[string]any{}}
	scanner := bufio.NewScanner(response.Body)
	scanner.Buffer(make([]byte, 64<<10), 16<<20)
	for scanner.Scan() {
		idle.Reset(u.timeout)
		line := strings.TrimSpace(scanner.Text())
		if !strings.HasPrefix(line, "data:") {
			continue
		}
		var data map[string]any
		if json.Unmarshal([]byte(strings.TrimSpace(strings.TrimPrefix(line, "data:"))), &data) != nil {
			send(newError("internal_error", "the provider sent an unreadable stream event").body())
			send(nil)
			return nil
		}
		out, failure := state.translate(data)
		if failure != nil {
			send(failure.body())
			send(nil)
			return nil
		}
		for _, item := range out {
			send(item)
		}
	}
	switch {
	case scanner.Err() != nil:
		send(u.streamFailure(ctx, scanner.Err()).body())
	case state.finish == "":
		// Closed before a chunk with finishReason: the answer is incomplete, say so.
		send(newError("provider_unavailable", "the provider ended the stream before the answer was finished (no finishReason); retrying may work").body())
	default:
		send(state.chunk(map[string]any{}, state.finish, usageOf(state.usage)))
	}
	send(nil)
	return nil
}
