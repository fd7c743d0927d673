package main

// Request and answer mapping between Loom's OpenAI-style chat and Cohere's v2 Chat.

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

func invalidRequest(format string, args ...any) *PluginError {
	return newError("invalid_request", fmt.Sprintf(format, args...))
}

func textOf(content any) string {
	switch value := content.(type) {
	case string:
		return value
	case []any:
		var b strings.Builder
		for _, part := range value {
			if object, ok := part.(map[string]any); ok {
				if text, ok := object["text"].(string); ok {
					b.WriteString(text)
				}
			}
		}
		return b.String()
	}
	return ""
}

func contentOf(content any) (any, *PluginError) {
	switch value := content.(type) {
	case nil:
		return "", nil
	case string:
		return value, nil
	case []any:
		parts := []any{}
		for _, raw := range value {
			part, _ := raw.(map[string]any)
			switch part["type"] {
			case "text":
				text, _ := part["text"].(string)
				parts = append(parts, map[string]any{"type": "text", "text": text})
			case "image_url":
				address, _ := part["image_url"].(string)
				if object, ok := part["image_url"].(map[string]any); ok {
					address, _ = object["url"].(string)
				}
				if address == "" {
					return nil, invalidRequest("an image_url part needs a url")
				}
				parts = append(parts, map[string]any{"type": "image_url", "image_url": map[string]any{"url": address}})
			default:
				return nil, invalidRequest("unsupported content part type %v", part["type"])
			}
		}
		return parts, nil
	}
	return nil, invalidRequest("message content must be a string or an array of parts")
}

// toolCallsOf checks tool calls and keeps OpenAI's shape (Cohere's is the same).
func toolCallsOf(raw any) ([]any, *PluginError) {
	calls := []any{}
	list, _ := raw.([]any)
	for _, item := range list {
		call, _ := item.(map[string]any)
		function, _ := call["function"].(map[string]any)
		name, _ := function["name"].(string)
		if name == "" {
			return nil, invalidRequest("every tool call needs a function name")
		}
		arguments, isText := function["arguments"].(string)
		if !isText {
			encoded, _ := json.Marshal(function["arguments"])
			arguments = string(encoded)
		}
		id, _ := call["id"].(string)
		calls = append(calls, map[string]any{"id": id, "type": "function", "function": map[string]any{"name": name, "arguments": arguments}})
	}
	return calls, nil
}

// toolsOf: Cohere's tool_choice is REQUIRED or NONE; a named tool becomes REQUIRED over
// just that tool.
func toolsOf(request map[string]any) ([]any, string, *PluginError) {
	tools := []any{}
	raw, _ := request["tools"].([]any)
	for _, item := range raw {
		if tool, _ := item.(map[string]any); tool["function"] != nil {
			tools = append(tools, tool)
		}
	}
	switch choice := request["tool_choice"].(type) {
	case nil:
		return tools, "", nil
	case string:
		switch choice {
		case "auto":
			return tools, "", nil
		case "none":
			return tools, "NONE", nil
		case "required":
			return tools, "REQUIRED", nil
		}
	case map[string]any:
		if function, ok := choice["function"].(map[string]any); ok {
			named := []any{}
			for _, item := range tools {
				if item.(map[string]any)["function"].(map[string]any)["name"] == function["name"] {
					named = append(named, item)
				}
			}
			return named, "REQUIRED", nil
		}
	}
	return nil, "", invalidRequest("tool_choice must be auto, none, required or a named function")
}

// toCohere maps an OpenAI-style chat request to a Cohere v2 chat request.
func toCohere(request map[string]any) (map[string]any, *PluginError) {
	system := []string{}
	messages := []any{}
	raw, _ := request["messages"].([]any)
	for _, item := range raw {
		message, _ := item.(map[string]any)
		switch message["role"] {
		case "system", "developer":
			system = append(system, textOf(message["content"]))
		case "user":
			content, perr := contentOf(message["content"])
			if perr != nil {
				return nil, perr
			}
			messages = append(messages, map[string]any{"role": "user", "content": content})
		case "assistant":
			calls, perr := toolCallsOf(message["tool_calls"])
			if perr != nil {
				return nil, perr
			}
			turn := map[string]any{"role": "assistant"}
			if text := textOf(message["content"]); text != "" || len(calls) == 0 {
				turn["content"] = text
			}
			if len(calls) > 0 {
				turn["tool_calls"] = calls
			}
			messages = append(messages, turn)
		case "tool":
			id, _ := message["tool_call_id"].(string)
			messages = append(messages, map[string]any{"role": "tool", "tool_call_id": id, "content": textOf(message["content"])})
		default:
			return nil, invalidRequest("unsupported message role %v", message["role"])
		}
	}
	if len(system) > 0 {
		// Cohere: "system turn must be the first in the list".
		messages = append([]any{map[string]any{"role": "system", "content": strings.Join(system, "\n\n")}}, messages...)
	}
	body := map[string]any{"model": request["model"], "messages": messages}
	for ours, theirs := range map[string]string{"temperature": "temperature", "top_p": "p", "seed": "seed", "frequency_penalty": "frequency_penalty", "presence_penalty": "presence_penalty"} {
		if value, ok := request[ours]; ok && value != nil {
			body[theirs] = value
		}
	}
	for _, key := range []string{"max_completion_tokens", "max_tokens"} {
		if value, ok := request[key]; ok && value != nil {
			body["max_tokens"] = value
			break
		}
	}
	switch stop := request["stop"].(type) {
	case string:
		body["stop_sequences"] = []any{stop}
	case []any:
		if len(stop) > 0 {
			body["stop_sequences"] = stop
		}
	}
	tools, choice, perr := toolsOf(request)
	if perr != nil {
		return nil, perr
	}
	if len(tools) > 0 {
		body["tools"] = tools
		if choice != "" {
			body["tool_choice"] = choice
		}
	}
	return body, nil
}

var finishReasons = map[string]string{"COMPLETE": "stop", "STOP_SEQUENCE": "stop", "MAX_TOKENS": "length", "TOOL_CALL": "tool_calls"}

func finishReason(reason any) string {
	if mapped, ok := finishReasons[fmt.Sprint(reason)]; ok {
		return mapped
	}
	return "stop"
}

// failedFinish: Cohere's ERROR and TIMEOUT finish reasons are failures, not answers; both
// are told like the other failures the provider reports, with its own words when it sent any.
func failedFinish(reason, detail any, streaming bool) *PluginError {
	said := ""
	if detail != nil && detail != "" {
		said = providerQuote(fmt.Sprint(detail))
	}
	doing := "generating"
	if streaming {
		doing = "streaming"
	}
	switch reason {
	case "ERROR":
		return newError("provider_unavailable", providerReported("provider_unavailable", said, "an error", doing))
	case "TIMEOUT":
		return newError("timeout", providerReported("timeout", said, "a timeout", doing))
	}
	return nil
}

func count(value any) int64 {
	n, _ := value.(float64)
	return int64(n)
}

// usageOf reads `tokens` (what the model saw), else `billed_units` (for billing).
func usageOf(usage map[string]any) map[string]any {
	tokens, ok := usage["tokens"].(map[string]any)
	if !ok {
		tokens, _ = usage["billed_units"].(map[string]any)
	}
	prompt, completion := count(tokens["input_tokens"]), count(tokens["output_tokens"])
	return map[string]any{"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
}

func newID() string {
	buf := make([]byte, 12)
	_, _ = rand.Read(buf)
	return "chatcmpl-" + hex.EncodeToString(buf)
}

// fromResponse maps a Cohere chat response to an OpenAI-style chat completion.
func fromResponse(data map[string]any, request map[string]any) (map[string]any, *PluginError) {
	answer, ok := data["message"].(map[string]any)
	if !ok {
		return nil, newError("internal_error", "the provider's answer is not a valid chat response")
	}
	if perr := failedFinish(data["finish_reason"], nil, false); perr != nil {
		return nil, perr
	}
	text := textOf(answer["content"])
	calls, perr := toolCallsOf(answer["tool_calls"])
	if perr != nil {
		return nil, newError("internal_error", "the provider's tool calls are not valid")
	}
	message := map[string]any{"role": "assistant", "content": text}
	if len(calls) > 0 {
		message["tool_calls"] = calls
		if text == "" {
			message["content"] = nil
		}
	}
	usage, _ := data["usage"].(map[string]any)
	id, _ := data["id"].(string)
	if id == "" {
		id = newID()
	}
	return map[string]any{
		"id":      id,
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   fmt.Sprint(request["model"]),
		"choices": []any{map[string]any{"index": 0, "message": message, "finish_reason": finishReason(data["finish_reason"])}},
		"usage":   usageOf(usage),
	}, nil
}
