package main

// Request and answer mapping between Loom's OpenAI-style chat and Anthropic Messages.

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
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

var dataURL = regexp.MustCompile(`(?s)^data:(image/[\w.+-]+);base64,(.*)$`)

func imageBlock(part map[string]any) (map[string]any, *PluginError) {
	address, _ := part["image_url"].(string)
	if object, ok := part["image_url"].(map[string]any); ok {
		address, _ = object["url"].(string)
	}
	if address == "" {
		return nil, invalidRequest("an image_url part needs a url")
	}
	if strings.HasPrefix(address, "data:") {
		match := dataURL.FindStringSubmatch(address)
		if match == nil {
			return nil, invalidRequest("an image data URL must be data:image/<type>;base64,...")
		}
		return map[string]any{"type": "image", "source": map[string]any{"type": "base64", "media_type": match[1], "data": match[2]}}, nil
	}
	return map[string]any{"type": "image", "source": map[string]any{"type": "url", "url": address}}, nil
}

func contentBlocks(content any) ([]any, *PluginError) {
	switch value := content.(type) {
	case nil:
		return []any{}, nil
	case string:
		if value == "" {
			return []any{}, nil
		}
		return []any{map[string]any{"type": "text", "text": value}}, nil
	case []any:
		blocks := []any{}
		for _, raw := range value {
			part, _ := raw.(map[string]any)
			switch part["type"] {
			case "text":
				text, _ := part["text"].(string)
				blocks = append(blocks, map[string]any{"type": "text", "text": text})
			case "image_url":
				block, perr := imageBlock(part)
				if perr != nil {
					return nil, perr
				}
				blocks = append(blocks, block)
			default:
				return nil, invalidRequest("unsupported content part type %v", part["type"])
			}
		}
		return blocks, nil
	}
	return nil, invalidRequest("message content must be a string or an array of parts")
}

func toolUse(raw any) (map[string]any, *PluginError) {
	call, _ := raw.(map[string]any)
	function, _ := call["function"].(map[string]any)
	name, _ := function["name"].(string)
	if name == "" {
		return nil, invalidRequest("every tool call needs a function name")
	}
	arguments, _ := function["arguments"].(string)
	if arguments == "" {
		arguments = "{}"
	}
	var input any
	if json.Unmarshal([]byte(arguments), &input) != nil {
		return nil, invalidRequest("tool call arguments must be a JSON text")
	}
	return map[string]any{"type": "tool_use", "id": fmt.Sprint(call["id"]), "name": name, "input": input}, nil
}

// turn maps one non-system message to an Anthropic role and content blocks.
func turn(message map[string]any) (string, []any, *PluginError) {
	switch message["role"] {
	case "tool":
		id, _ := message["tool_call_id"].(string)
		return "user", []any{map[string]any{"type": "tool_result", "tool_use_id": id, "content": textOf(message["content"])}}, nil
	case "assistant":
		blocks, perr := contentBlocks(message["content"])
		if perr != nil {
			return "", nil, perr
		}
		calls, _ := message["tool_calls"].([]any)
		for _, call := range calls {
			block, perr := toolUse(call)
			if perr != nil {
				return "", nil, perr
			}
			blocks = append(blocks, block)
		}
		return "assistant", blocks, nil
	case "user":
		blocks, perr := contentBlocks(message["content"])
		return "user", blocks, perr
	}
	return "", nil, invalidRequest("unsupported message role %v", message["role"])
}

func toolChoice(choice any) (any, *PluginError) {
	switch value := choice.(type) {
	case nil:
		return nil, nil
	case string:
		switch value {
		case "auto":
			return map[string]any{"type": "auto"}, nil
		case "none":
			return map[string]any{"type": "none"}, nil
		case "required":
			return map[string]any{"type": "any"}, nil
		}
	case map[string]any:
		if function, ok := value["function"].(map[string]any); ok {
			return map[string]any{"type": "tool", "name": function["name"]}, nil
		}
	}
	return nil, invalidRequest("tool_choice must be auto, none, required or a named function")
}

// toAnthropic maps an OpenAI-style chat request to an Anthropic Messages request.
func toAnthropic(request map[string]any, defaultMaxTokens int) (map[string]any, *PluginError) {
	system := []string{}
	turns := []map[string]any{}
	messages, _ := request["messages"].([]any)
	for _, raw := range messages {
		message, _ := raw.(map[string]any)
		if message["role"] == "system" || message["role"] == "developer" {
			system = append(system, textOf(message["content"]))
			continue
		}
		role, blocks, perr := turn(message)
		if perr != nil {
			return nil, perr
		}
		// Anthropic wants the roles to alternate: consecutive turns of one role become one.
		if last := len(turns) - 1; last >= 0 && turns[last]["role"] == role {
			turns[last]["content"] = append(turns[last]["content"].([]any), blocks...)
		} else {
			turns = append(turns, map[string]any{"role": role, "content": blocks})
		}
	}
	body := map[string]any{"model": request["model"], "messages": turns, "max_tokens": defaultMaxTokens}
	for _, key := range []string{"max_completion_tokens", "max_tokens"} {
		if value, ok := request[key]; ok && value != nil {
			body["max_tokens"] = value
			break
		}
	}
	if len(system) > 0 {
		body["system"] = strings.Join(system, "\n\n")
	}
	for _, key := range []string{"temperature", "top_p"} {
		if value, ok := request[key]; ok && value != nil {
			body[key] = value
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
	if tools, _ := request["tools"].([]any); len(tools) > 0 {
		mapped := []any{}
		for _, raw := range tools {
			tool, _ := raw.(map[string]any)
			function, ok := tool["function"].(map[string]any)
			if !ok {
				continue
			}
			schema := function["parameters"]
			if schema == nil {
				schema = map[string]any{"type": "object", "properties": map[string]any{}}
			}
			description, _ := function["description"].(string)
			mapped = append(mapped, map[string]any{"name": function["name"], "description": description, "input_schema": schema})
		}
		body["tools"] = mapped
		choice, perr := toolChoice(request["tool_choice"])
		if perr != nil {
			return nil, perr
		}
		if choice != nil {
			body["tool_choice"] = choice
		}
	}
	return body, nil
}

var finishReasons = map[string]string{
	"end_turn":                      "stop",
	"stop_sequence":                 "stop",
	"pause_turn":                    "stop",
	"max_tokens":                    "length",
	"model_context_window_exceeded": "length",
	"tool_use":                      "tool_calls",
	"refusal":                       "content_filter",
}

func finishReason(stopReason any) string {
	if reason, ok := finishReasons[fmt.Sprint(stopReason)]; ok {
		return reason
	}
	return "stop"
}

func count(value any) int64 {
	n, _ := value.(float64)
	return int64(n)
}

// usageOf counts cached input as input too: the three fields are what the prompt cost.
func usageOf(usage map[string]any) map[string]any {
	prompt := count(usage["input_tokens"]) + count(usage["cache_creation_input_tokens"]) + count(usage["cache_read_input_tokens"])
	completion := count(usage["output_tokens"])
	return map[string]any{"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
}

func newID() string {
	buf := make([]byte, 12)
	_, _ = rand.Read(buf)
	return "chatcmpl-" + hex.EncodeToString(buf)
}

// fromMessage maps an Anthropic message to an OpenAI-style chat completion.
func fromMessage(data map[string]any, request map[string]any) (map[string]any, *PluginError) {
	blocks, ok := data["content"].([]any)
	if !ok {
		return nil, newError("internal_error", "the provider's answer is not a valid message")
	}
	var text strings.Builder
	calls := []any{}
	for _, raw := range blocks {
		block, _ := raw.(map[string]any)
		switch block["type"] {
		case "text":
			part, _ := block["text"].(string)
			text.WriteString(part)
		case "tool_use":
			arguments, _ := json.Marshal(block["input"])
			calls = append(calls, map[string]any{"id": fmt.Sprint(block["id"]), "type": "function", "function": map[string]any{"name": fmt.Sprint(block["name"]), "arguments": string(arguments)}})
		}
	}
	message := map[string]any{"role": "assistant", "content": text.String()}
	if len(calls) > 0 {
		message["tool_calls"] = calls
		if text.Len() == 0 {
			message["content"] = nil
		}
	}
	usage, _ := data["usage"].(map[string]any)
	id, _ := data["id"].(string)
	if id == "" {
		id = newID()
	}
	model, _ := data["model"].(string)
	if model == "" {
		model = fmt.Sprint(request["model"])
	}
	return map[string]any{
		"id":      id,
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   model,
		"choices": []any{map[string]any{"index": 0, "message": message, "finish_reason": finishReason(data["stop_reason"])}},
		"usage":   usageOf(usage),
	}, nil
}
