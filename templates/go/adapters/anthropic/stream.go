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

// streamState turns Anthropic's events into OpenAI-style chunks.
type streamState struct {
	id, model string
	created   int64
	usage     map[string]any
	finish    string
	tools     map[float64]int // Anthropic block index -> OpenAI tool call index
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

// translate maps one Anthropic event to chunks (or an error body) and says whether the
// stream is over.
func (s *streamState) translate(data map[string]any) (out []map[string]any, over bool) {
	switch data["type"] {
	case "message_start":
		message, _ := data["message"].(map[string]any)
		if id, _ := message["id"].(string); id != "" {
			s.id = id
		}
		if model, _ := message["model"].(string); model != "" {
			s.model = model
		}
		usage, _ := message["usage"].(map[string]any)
		for key, value := range usage {
			s.usage[key] = value
		}
		return []map[string]any{s.chunk(map[string]any{"role": "assistant", "content": ""}, nil, nil)}, false
	case "content_block_start":
		block, _ := data["content_block"].(map[string]any)
		if block["type"] != "tool_use" {
			return nil, false
		}
		position, _ := data["index"].(float64)
		index := len(s.tools)
		s.tools[position] = index
		call := map[string]any{"index": index, "id": block["id"], "type": "function", "function": map[string]any{"name": block["name"], "arguments": ""}}
		return []map[string]any{s.chunk(map[string]any{"tool_calls": []any{call}}, nil, nil)}, false
	case "content_block_delta":
		delta, _ := data["delta"].(map[string]any)
		switch delta["type"] {
		case "text_delta":
			text, _ := delta["text"].(string)
			return []map[string]any{s.chunk(map[string]any{"content": text}, nil, nil)}, false
		case "input_json_delta":
			position, _ := data["index"].(float64)
			partial, _ := delta["partial_json"].(string)
			call := map[string]any{"index": s.tools[position], "function": map[string]any{"arguments": partial}}
			return []map[string]any{s.chunk(map[string]any{"tool_calls": []any{call}}, nil, nil)}, false
		}
		return nil, false // thinking, signatures, citations: not part of an OpenAI chunk
	case "message_delta":
		delta, _ := data["delta"].(map[string]any)
		s.finish = finishReason(delta["stop_reason"])
		usage, _ := data["usage"].(map[string]any)
		for key, value := range usage { // output_tokens is cumulative
			s.usage[key] = value
		}
		return nil, false
	case "message_stop":
		return []map[string]any{s.chunk(map[string]any{}, s.finish, usageOf(s.usage))}, true
	case "error":
		failure, _ := data["error"].(map[string]any)
		kind, _ := failure["type"].(string)
		code, ok := errorTypes[kind]
		if !ok {
			code = "provider_unavailable"
		}
		return []map[string]any{pluginError(code, providerReported(code, kind, "an error", "streaming"), 0, "").body()}, true
	}
	return nil, false // ping, and event types added later
}

// ChatStream opens the Anthropic stream (an upstream error before it is an ordinary JSON
// error), then writes OpenAI-style chunks as Anthropic's events arrive, ending with
// [DONE]. An error after the stream started is one error event, then [DONE].
func (u *Upstream) ChatStream(ctx context.Context, w http.ResponseWriter, request map[string]any) *PluginError {
	body, perr := toAnthropic(request, u.defaultMaxTokens)
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
	response, perr := u.send(ctx, http.MethodPost, "/v1/messages", body)
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
	state := &streamState{id: newID(), model: model, created: time.Now().Unix(), usage: map[string]any{}, finish: "stop", tools: map[float64]int{}}
	scanner := bufio.NewScanner(response.Body)
	scanner.Buffer(make([]byte, 64<<10), 16<<20)
	for scanner.Scan() {
		idle.Reset(u.timeout)
		line := strings.TrimSpace(scanner.Text())
		if !strings.HasPrefix(line, "data:") {
			continue // event names repeat the data's type; blank lines separate events
		}
		var data map[string]any
		if json.Unmarshal([]byte(strings.TrimSpace(strings.TrimPrefix(line, "data:"))), &data) != nil {
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
		// Closed without message_stop: the answer is incomplete, say so.
		send(newError("provider_unavailable", "the provider ended the stream before the answer was finished (no message_stop event); retrying may work").body())
	}
	send(nil)
	return nil
}
