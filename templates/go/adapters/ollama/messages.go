package main

// Request and answer mapping between Loom's OpenAI-style chat and Ollama's /api/chat.

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

var dataURL = regexp.MustCompile(`(?s)^data:image/[\w.+-]+;base64,(.*)$`)

// contentOf gives Ollama the text as one string and images as bare base64 beside it.
func contentOf(content any) (map[string]any, *PluginError) {
	switch value := content.(type) {
	case nil:
		return map[string]any{"content": ""}, nil
	case string:
		return map[string]any{"content": value}, nil
	case []any:
		var text strings.Builder
		images := []any{}
		for _, raw := range value {
			part, _ := raw.(map[string]any)
			switch part["type"] {
			case "text":
				piece, _ := part["text"].(string)
				text.WriteString(piece)
			case "image_url":
				address, _ := part["image_url"].(string)
				if object, ok := part["image_url"].(map[string]any); ok {
					address, _ = object["url"].(string)
				}
				match := dataURL.FindStringSubmatch(address)
				if match == nil {
					return nil, invalidRequest("Ollama takes images as base64: send the image as a data:image/<type>;base64,... URL")
				}
				images = append(images, match[1])
			default:
				return nil, invalidRequest("unsupported content part type %v", part["type"])
			}
		}
		message := map[string]any{"content": text.String()}
		if len(images) > 0 {
			message["images"] = images
		}
		return message, nil
	}
	return nil, invalidRequest("message content must be a string or an array of parts")
}

func toolCall(raw any) (map[string]any, string, *PluginError) {
	call, _ := raw.(map[string]any)
	function, _ := call["function"].(map[string]any)
	name, _ := function["name"].(string)
	if name == "" {
		return nil, "", invalidRequest("every tool call needs a function name")
	}
	arguments, _ := function["arguments"].(string)
	if arguments == "" {
		arguments = "{}"
	}
	var args any
	if json.Unmarshal([]byte(arguments), &args) != nil {
		return nil, "", invalidRequest("tool call arguments must be a JSON text")
	}
	id, _ := call["id"].(string)
	return map[string]any{"function": map[string]any{"name": name, "arguments": args}}, id, nil
}

// toOllama maps an OpenAI-style chat request to an Ollama chat request.
func toOllama(request map[string]any) (map[string]any, *PluginError) {
	names := map[string]string{} // tool call id -> function name (Ollama names tool results)
	messages := []any{}
	raw, _ := request["messages"].([]any)
	for _, item := range raw {
		message, _ := item.(map[string]any)
		role, _ := message["role"].(string)
		turn, perr := contentOf(message["content"])
		if perr != nil {
			return nil, perr
		}
		switch role {
		case "system", "developer":
			turn["role"] = "system"
		case "user":
			turn["role"] = "user"
		case "assistant":
			turn["role"] = "assistant"
			calls, _ := message["tool_calls"].([]any)
			if len(calls) > 0 {
				mapped := []any{}
				for _, raw := range calls {
					call, id, perr := toolCall(raw)
					if perr != nil {
						return nil, perr
					}
					names[id] = call["function"].(map[string]any)["name"].(string)
					mapped = append(mapped, call)
				}
				turn["tool_calls"] = mapped
			}
		case "tool":
			id, _ := message["tool_call_id"].(string)
			turn["role"], turn["tool_call_id"] = "tool", id
			if name, ok := names[id]; ok {
				turn["tool_name"] = name
			}
		default:
			return nil, invalidRequest("unsupported message role %v", message["role"])
		}
		messages = append(messages, turn)
	}
	body := map[string]any{"model": request["model"], "messages": messages}
	options := map[string]any{}
	for _, key := range []string{"temperature", "top_p", "seed"} {
		if value, ok := request[key]; ok && value != nil {
			options[key] = value
		}
	}
	for _, key := range []string{"max_completion_tokens", "max_tokens"} {
		if value, ok := request[key]; ok && value != nil {
			options["num_predict"] = value
			break
		}
	}
	switch stop := request["stop"].(type) {
	case string:
		options["stop"] = []any{stop}
	case []any:
		if len(stop) > 0 {
			options["stop"] = stop
		}
	}
	if len(options) > 0 {
		body["options"] = options
	}
	// Ollama has no tool_choice: "none" means sending no tools at all.
	if tools, _ := request["tools"].([]any); len(tools) > 0 && request["tool_choice"] != "none" {
		body["tools"] = tools
	}
	return body, nil
}

func count(value any) int64 {
	n, _ := value.(float64)
	return int64(n)
}

func usageOf(data map[string]any) map[string]any {
	prompt, completion := count(data["prompt_eval_count"]), count(data["eval_count"])
	return map[string]any{"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
}

func finishReason(data map[string]any, hasCalls bool) string {
	switch {
	case data["done_reason"] == "length":
		return "length"
	case hasCalls:
		return "tool_calls"
	}
	return "stop"
}

// toolCallsOf gives Ollama's calls (object arguments, often no id) OpenAI's shape.
func toolCallsOf(message map[string]any, offset int) []any {
	calls := []any{}
	raw, _ := message["tool_calls"].([]any)
	for _, item := range raw {
		call, _ := item.(map[string]any)
		function, ok := call["function"].(map[string]any)
		if !ok {
			continue
		}
		id, _ := call["id"].(string)
		if id == "" {
			id = fmt.Sprintf("call_%d_%v", offset+len(calls), function["name"])
		}
		arguments, isText := function["arguments"].(string)
		if !isText {
			args := function["arguments"]
			if args == nil {
				args = map[string]any{}
			}
			encoded, _ := json.Marshal(args)
			arguments = string(encoded)
		}
		calls = append(calls, map[string]any{"id": id, "type": "function", "function": map[string]any{"name": fmt.Sprint(function["name"]), "arguments": arguments}})
	}
	return calls
}

func newID() string {
	buf := make([]byte, 12)
	_, _ = rand.Read(buf)
	return "chatcmpl-" + hex.EncodeToString(buf)
}

// fromResponse maps an Ollama chat response to an OpenAI-style chat completion.
func fromResponse(data map[string]any, request map[string]any) (map[string]any, *PluginError) {
	answer, ok := data["message"].(map[string]any)
	if !ok {
		return nil, newError("internal_error", "the provider's answer is not a valid chat response")
	}
	text, _ := answer["content"].(string)
	calls := toolCallsOf(answer, 0)
	message := map[string]any{"role": "assistant", "content": text}
	if len(calls) > 0 {
		message["tool_calls"] = calls
		if text == "" {
			message["content"] = nil
		}
	}
	model, _ := data["model"].(string)
	if model == "" {
		model = fmt.Sprint(request["model"])
	}
	return map[string]any{
		"id":      newID(),
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   model,
		"choices": []any{map[string]any{"index": 0, "message": message, "finish_reason": finishReason(data, len(calls) > 0)}},
		"usage":   usageOf(data),
	}, nil
}
