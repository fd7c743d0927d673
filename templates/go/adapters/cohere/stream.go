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

// streamState turns Cohere's typed events into OpenAI-style chunks.
type streamState struct {
	id, model string
	created   int64
	calls     map[float64]int // Cohere tool call index -> OpenAI index
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

// translate maps one Cohere event to chunks (or an error body) and says whether the
// stream is over.
func (s *streamState) translate(data map[string]any) ([]map[string]any, bool) {
	delta, _ := data["delta"].(map[string]any)
	message, _ := delta["message"].(map[string]any)
	switch data["type"] {
	case "message-start":
		if id, _ := data["id"].(string); id != "" {
			s.id = id
		}
		return []map[string]any{s.chunk(map[string]any{"role": "assistant", "content": ""}, nil, nil)}, false
	case "content-delta":
		content, _ := message["content"].(map[string]any)
		if text, _ := content["text"].(string); text != "" {
			return []map[string]any{s.chunk(map[string]any{"content": text}, nil, nil)}, false
		}
		return nil, false
	case "tool-call-start":
		call, _ := message["tool_calls"].(map[string]any)
		function, _ := call["function"].(map[string]any)
		position, _ := data["index"].(float64)
		index := len(s.calls)
		s.calls[position] = index
		arguments, _ := function["arguments"].(string)
		out := map[string]any{"index": index, "id": call["id"], "type": "function", "function": map[string]any{"name": function["name"], "arguments": arguments}}
		return []map[string]any{s.chunk(map[string]any{"tool_calls": []any{out}}, nil, nil)}, false
	case "tool-call-delta":
		call, _ := message["tool_calls"].(map[string]any)
		function, _ := call["function"].(map[string]any)
		position, _ := data["index"].(float64)
		arguments, _ := function["arguments"].(string)
		out := map[string]any{"index": s.calls[position], "function": map[string]any{"arguments": arguments}}
		return []map[string]any{s.chunk(map[string]any{"tool_calls": []any{out}}, nil, nil)}, false
	case "message-end":
		if failure := failedFinish(delta["finish_reason"], delta["error"], true); failure != nil {
			return []map[string]any{failure.body()}, true
		}
		usage, _ := delta["usage"].(map[string]any)
		return []map[string]any{s.chunk(map[string]any{}, finishReason(delta["finish_reason"]), usageOf(usage))}, true
	}
	return nil, false // content-start/-end, tool-plan, citations, debug: nothing to pass on
}

// ChatStream opens Cohere's stream (an upstream error before it is an ordinary JSON
// error), then writes OpenAI-style chunks as Cohere's events arrive, ending with [DONE].
// An error after the stream started is one error event, then [DONE].
func (u *Upstream) ChatStream(ctx context.Context, w http.ResponseWriter, request map[string]any) *PluginError {
	body, perr := toCohere(request)
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
	response, perr := u.send(ctx, http.MethodPost, "/v2/chat", body)
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
	state := &streamState{id: newID(), model: fmt.Sprint(request["model"]), created: time.Now().Unix(), calls: map[float64]int{}}
	scanner := bufio.NewScanner(response.Body)
	scanner.Buffer(make([]byte, 64<<10), 16<<20)
	for scanner.Scan() {
		idle.Reset(u.timeout)
		line := strings.TrimSpace(scanner.Text())
		payload := strings.TrimSpace(strings.TrimPrefix(line, "data:"))
		if !strings.HasPrefix(line, "data:") || payload == "[DONE]" {
			continue // event names repeat the data's type; a [DONE] may follow message-end
		}
		var data map[string]any
		if json.Unmarshal([]byte(payload), &data) != nil {
			send(newError("internal_error", "the provider sent an unreadable stream event").body())
			send(nil)
			return nil
		}
		out, over := state.translate(data)
		for _, item := range out {
			send(item)
		}
		if over {
			send(nil)
			return nil
		}
	}
	if err := scanner.Err(); err != nil {
		send(u.streamFailure(ctx, err).body())
	} else {
		// Closed without message-end: the answer is incomplete, say so.
		send(newError("provider_unavailable", "the provider ended the stream before the answer was finished (no message-end event); retrying may work").body())
	}
	send(nil)
	return nil
}
