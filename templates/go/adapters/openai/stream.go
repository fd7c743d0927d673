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

// ChatStream opens the upstream stream (so an upstream error is still an ordinary JSON
// error: it is returned before anything is written), then passes the SSE `data:`
// events on one by one, normalised, as they arrive. An error after the stream started
// is one error event, then [DONE] (the protocol's rule). A stream that closes without
// [DONE] is complete if every choice in it carried a finish_reason and, with n > 1,
// choices 0 to n-1 all came (some OpenAI-compatible servers forget [DONE]; with n > 1 one
// choice can finish while another is still being written, or before another began);
// otherwise the answer was cut short, and Loom must not take it for a whole one.
func (u *Upstream) ChatStream(ctx context.Context, w http.ResponseWriter, request map[string]any) *PluginError {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// An idle timer instead of a deadline: a long answer may stream for minutes, but
	// the upstream may not go quiet for longer than the timeout.
	idle := time.AfterFunc(u.timeout, func() { cancel(errStalled) })
	defer idle.Stop()

	response, perr := u.send(ctx, http.MethodPost, u.chatPath(request), forwarded(request, true))
	if perr != nil {
		return perr
	}
	defer response.Body.Close()

	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	send := func(payload string) {
		fmt.Fprintf(w, "data: %s\n\n", payload)
		if flusher != nil {
			flusher.Flush()
		}
	}
	sendJSON := func(value any) {
		data, _ := json.Marshal(value)
		send(string(data))
	}

	choices := choiceEnds{}
	scanner := bufio.NewScanner(response.Body)
	scanner.Buffer(make([]byte, 64<<10), 16<<20)
	for scanner.Scan() {
		idle.Reset(u.timeout)
		line := strings.TrimSpace(scanner.Text())
		if !strings.HasPrefix(line, "data:") {
			continue // comments, event names, blank separators
		}
		data := strings.TrimSpace(strings.TrimPrefix(line, "data:"))
		if data == "[DONE]" {
			send("[DONE]")
			return nil
		}
		decoder := json.NewDecoder(strings.NewReader(data))
		decoder.UseNumber()
		var value any
		chunk, bad := map[string]any(nil), (*PluginError)(nil)
		if decoder.Decode(&value) != nil {
			bad = newError("internal_error", "the provider sent an unreadable stream event")
		} else if reported := errorIn(value); reported != nil {
			// OpenAI-compatible servers report a failure after the 200 as an event with a
			// top-level `error` (OpenAI's own SDK fails on any such event), not as a chunk.
			bad = u.streamError(reported)
		} else {
			chunk, bad = normalizeChunk(value, request)
		}
		if bad != nil {
			sendJSON(bad.body())
			send("[DONE]")
			return nil
		}
		choices.note(chunk)
		if u.keepChunk(chunk) {
			sendJSON(chunk)
		}
	}
	if err := scanner.Err(); err != nil {
		sendJSON(u.streamFailure(ctx, err).body())
	} else if !choices.allFinished(toInt(request["n"], 1)) {
		sendJSON(newError("provider_unavailable", "the provider ended the stream before the answer was finished; retrying may work").body())
	}
	send("[DONE]")
	return nil
}

// choiceEnds records, per choice index seen in a stream, whether a finish_reason ended it.
type choiceEnds map[int64]bool

// note takes the choices of a normalised chunk (finish_reason not null: that choice ended).
func (ends choiceEnds) note(chunk map[string]any) {
	for _, raw := range chunk["choices"].([]any) {
		choice := raw.(map[string]any)
		index := choice["index"].(int64)
		ends[index] = ends[index] || choice["finish_reason"] != nil
	}
}

// allFinished tells whether the stream had choices, every one of them ended and, when
// more than one was asked for, choices 0 to asked-1 all came. It counts the ended choices
// below asked rather than looking each index up, so a huge n costs nothing.
func (ends choiceEnds) allFinished(asked int64) bool {
	var below int64
	for index, ended := range ends {
		if !ended {
			return false
		}
		if index >= 0 && index < asked {
			below++
		}
	}
	return len(ends) > 0 && (asked <= 1 || below == asked)
}

// errorIn is the `error` member of a stream event when it is one: a non-empty object or a
// non-empty string (the same rule in every language's template; true, 0 or [] are not).
func errorIn(value any) any {
	object, _ := value.(map[string]any)
	switch reported := object["error"].(type) {
	case string:
		if reported != "" {
			return reported
		}
	case map[string]any:
		if len(reported) > 0 {
			return reported
		}
	}
	return nil
}
