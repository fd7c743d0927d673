package main

// A tiny OpenAI-style upstream for the tests (httptest, 127.0.0.1, no network). What
// differs between dialects (auth header, URL, error bodies, extra faults, a first stream
// chunk) is the fakeWire that fake_upstream_test.go passes in; the faults and the answers
// are the same. Set fault to make the next chat request fail: an HTTP status ("401",
// "429", ...), a fault the wire names (fakeWire.faults), "hang", "garbage" (200 with
// broken JSON) or "reset" (connection dropped); for a stream, "break" (drops the
// connection after the first event), "stall" (goes quiet after it), "cut" (ends cleanly
// after it), "no-done" (the whole answer, its finish_reason chunk included, but no
// [DONE]), "two-choices-cut" (two choices as with n: 2; index 0 finishes, index 1 never
// does, no [DONE]), "two-choices-one-sent" (as if asked for n: 2, only index 0 comes, and
// finishes; no [DONE]), "two-choices-no-done" (both finish, no [DONE]), "stream-error-object"
// (the first word, then `data: {"error": streamError}` and the end: an error the provider
// reports after the 200) or "stream-error-event" (the same with an `event: error` line
// before the data; setStreamError chooses the error, a server_error by default).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// streamFaults are answered inside a stream, not as an HTTP status.
var streamFaults = []string{"break", "stall", "cut", "no-done", "two-choices-cut", "two-choices-one-sent", "two-choices-no-done", "stream-error-object", "stream-error-event"}

// serverError is what the "stream-error-*" faults send unless a test chose another error.
var serverError = map[string]any{"message": "The server had an error while processing your request.", "type": "server_error", "param": nil, "code": nil}

// fakeAnswer is a status and a JSON body the fake answers with.
type fakeAnswer struct {
	status int
	body   any
}

// fakeWire is what one OpenAI dialect looks like from the upstream's side.
type fakeWire struct {
	authorised   func(r *http.Request) bool
	unauthorised any
	// answer may answer a request before any fault or chat (nil: not answered).
	answer       func(r *http.Request) *fakeAnswer
	errorBody    func(fault string) any
	faults       map[string]fakeAnswer
	modelOf      func(r *http.Request, body map[string]any) string
	unknownModel any
	// firstChunk, when set, is sent before the stream's content chunks.
	firstChunk string
}

// fakeUpstream is the fake the tests steer (fault, retryAfter, received: fake_server_test.go;
// streamError, guarded by mu).
type fakeUpstream struct {
	fakeServer
	streamError map[string]any
}

// setStreamError chooses the error the next "stream-error-*" fault sends.
func (f *fakeUpstream) setStreamError(reported map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.streamError = reported
}

func startFakeOpenAI(t *testing.T, wire fakeWire) *fakeUpstream {
	t.Helper()
	fake := &fakeUpstream{}
	fake.serve(t, func(w http.ResponseWriter, r *http.Request, body map[string]any) {
		fake.mu.Lock()
		fault, retryAfter, streamError := fake.fault, fake.retryAfter, fake.streamError
		fake.fault = ""
		if streamError == nil {
			streamError = serverError
		}
		fake.mu.Unlock()
		if !wire.authorised(r) {
			writeJSON(w, 401, wire.unauthorised)
			return
		}
		if answer := wire.answer(r); answer != nil {
			writeJSON(w, answer.status, answer.body)
			return
		}
		switch {
		case fake.answerFault(w, r, fault, `{"choices": [`):
			return
		case wire.faults[fault].status != 0:
			writeJSON(w, wire.faults[fault].status, wire.faults[fault].body)
			return
		case fault != "" && !slices.Contains(streamFaults, fault):
			status, _ := strconv.Atoi(fault)
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			writeJSON(w, status, wire.errorBody(fault))
			return
		}
		model := wire.modelOf(r, body)
		if !slices.Contains(testModels, model) {
			writeJSON(w, 404, wire.unknownModel)
			return
		}
		messages, _ := body["messages"].([]any)
		last, _ := messages[len(messages)-1].(map[string]any)
		reply := fmt.Sprintf("echo: %v", last["content"])
		if body["stream"] == true {
			w.Header().Set("Content-Type", "text/event-stream")
			if wire.firstChunk != "" {
				fmt.Fprintf(w, "data: %s\n\n", wire.firstChunk)
			}
			if fault == "two-choices-cut" || fault == "two-choices-one-sent" || fault == "two-choices-no-done" {
				twoChoices(w, model, reply, fault)
				return
			}
			for index, word := range strings.Split(reply, " ") {
				if index > 0 {
					word = " " + word
				}
				chunk, _ := json.Marshal(map[string]any{
					"id": "chatcmpl-2", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
					"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": word}, "finish_reason": nil}},
				})
				fmt.Fprintf(w, "data: %s\n\n", chunk)
				w.(http.Flusher).Flush()
				if fake.interrupt(w, r, fault) {
					return
				}
				if fault == "stream-error-object" || fault == "stream-error-event" {
					// The provider's error object as one more event, then the end of the stream.
					if fault == "stream-error-event" {
						fmt.Fprint(w, "event: error\n")
					}
					reported, _ := json.Marshal(map[string]any{"error": streamError})
					fmt.Fprintf(w, "data: %s\n\n", reported)
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
			last, _ := json.Marshal(map[string]any{
				"id": "chatcmpl-2", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
				"choices": []any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": "stop"}},
			})
			fmt.Fprintf(w, "data: %s\n\n", last)
			if fault != "no-done" {
				fmt.Fprint(w, "data: [DONE]\n\n")
			}
			return
		}
		// created as a float and content as a list of parts, on purpose: the plugin
		// must send an integer and a string.
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1700000000.0,"model":%q,`+
			`"choices":[{"index":0,"message":{"role":"assistant","content":[{"type":"text","text":%q}]},"finish_reason":"stop"}],`+
			`"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}`, model, reply)
	})
	return fake
}

// twoChoices streams two choices (one for "two-choices-one-sent"), one chunk each per word
// as OpenAI sends them, and ends without [DONE].
func twoChoices(w http.ResponseWriter, model, reply, fault string) {
	indexes := []int{0, 1}
	if fault == "two-choices-one-sent" {
		indexes = []int{0}
	}
	send := func(index int, delta map[string]any, finish any) {
		chunk, _ := json.Marshal(map[string]any{
			"id": "chatcmpl-3", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
			"choices": []any{map[string]any{"index": index, "delta": delta, "finish_reason": finish}},
		})
		fmt.Fprintf(w, "data: %s\n\n", chunk)
	}
	for _, word := range strings.Split(reply, " ") {
		for _, index := range indexes {
			send(index, map[string]any{"content": word + " "}, nil)
		}
	}
	send(0, map[string]any{}, "stop")
	if fault == "two-choices-no-done" {
		send(1, map[string]any{}, "stop")
	}
}
