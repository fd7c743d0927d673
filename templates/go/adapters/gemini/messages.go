package main

// Request and answer mapping between Loom's OpenAI-style chat and Gemini's
// GenerateContent.

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

func contentParts(content any) ([]any, *PluginError) {
	switch value := content.(type) {
	case nil:
		return []any{}, nil
	case string:
		if value == "" {
			return []any{}, nil
		}
		return []any{map[string]any{"text": value}}, nil
	case []any:
		parts := []any{}
		for _, raw := range value {
			part, _ := raw.(map[string]any)
			switch part["type"] {
			case "text":
				text, _ := part["text"].(string)
				parts = append(parts, map[string]any{"text": text})
			case "image_url":
				address, _ := part["image_url"].(string)
				if object, ok := part["image_url"].(map[string]any); ok {
					address, _ = object["url"].(string)
				}
				match := dataURL.FindStringSubmatch(address)
				if match == nil {
					return nil, invalidRequest("Gemini takes images inline: send the image as a data:image/<type>;base64,... URL")
				}
				parts = append(parts, map[string]any{"inlineData": map[string]any{"mimeType": match[1], "data": match[2]}})
			default:
				return nil, invalidRequest("unsupported content part type %v", part["type"])
			}
		}
		return parts, nil
	}
	return nil, invalidRequest("message content must be a string or an array of parts")
}

func functionCall(raw any) (map[string]any, *PluginError) {
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
	var args any
	if json.Unmarshal([]byte(arguments), &args) != nil {
		return nil, invalidRequest("tool call arguments must be a JSON text")
	}
	if _, ok := args.(map[string]any); !ok {
		args = map[string]any{"value": args}
	}
	return map[string]any{"name": name, "args": args}, nil
}

func toolConfig(choice any) (any, *PluginError) {
	switch value := choice.(type) {
	case nil:
		return nil, nil
	case string:
		if mode, ok := map[string]string{"auto": "AUTO", "none": "NONE", "required": "ANY"}[value]; ok {
			return map[string]any{"functionCallingConfig": map[string]any{"mode": mode}}, nil
		}
	case map[string]any:
		if function, ok := value["function"].(map[string]any); ok {
			return map[string]any{"functionCallingConfig": map[string]any{"mode": "ANY", "allowedFunctionNames": []any{function["name"]}}}, nil
		}
	}
	return nil, invalidRequest("tool_choice must be auto, none, required or a named function")
}

// toGemini maps an OpenAI-style chat request to a GenerateContent request.
func toGemini(request map[string]any) (map[string]any, *PluginError) {
	system := []any{}
	contents := []map[string]any{}
	names := map[string]string{} // tool call id -> function name (functionResponse needs the name)
	add := func(role string, parts []any) {
		if last := len(contents) - 1; last >= 0 && contents[last]["role"] == role {
			contents[last]["parts"] = append(contents[last]["parts"].([]any), parts...) // one turn per role in a row
		} else {
			contents = append(contents, map[string]any{"role": role, "parts": parts})
		}
	}
	messages, _ := request["messages"].([]any)
	for _, raw := range messages {
		message, _ := raw.(map[string]any)
		switch message["role"] {
		case "system", "developer":
			system = append(system, map[string]any{"text": textOf(message["content"])})
		case "user":
			parts, perr := contentParts(message["content"])
			if perr != nil {
				return nil, perr
			}
			add("user", parts)
		case "assistant":
			parts, perr := contentParts(message["content"])
			if perr != nil {
				return nil, perr
			}
			calls, _ := message["tool_calls"].([]any)
			for _, raw := range calls {
				call, perr := functionCall(raw)
				if perr != nil {
					return nil, perr
				}
				id, _ := raw.(map[string]any)["id"].(string)
				names[id] = call["name"].(string)
				parts = append(parts, map[string]any{"functionCall": call})
			}
			add("model", parts)
		case "tool":
			id, _ := message["tool_call_id"].(string)
			name, ok := names[id]
			if !ok {
				name = id
			}
			add("user", []any{map[string]any{"functionResponse": map[string]any{"name": name, "response": map[string]any{"content": textOf(message["content"])}}}})
		default:
			return nil, invalidRequest("unsupported message role %v", message["role"])
		}
	}
	body := map[string]any{"contents": contents}
	if len(system) > 0 {
		body["systemInstruction"] = map[string]any{"parts": system}
	}
	config := map[string]any{}
	for ours, theirs := range map[string]string{"temperature": "temperature", "top_p": "topP"} {
		if value, ok := request[ours]; ok && value != nil {
			config[theirs] = value
		}
	}
	for _, key := range []string{"max_completion_tokens", "max_tokens"} {
		if value, ok := request[key]; ok && value != nil {
			config["maxOutputTokens"] = value
			break
		}
	}
	switch stop := request["stop"].(type) {
	case string:
		config["stopSequences"] = []any{stop}
	case []any:
		if len(stop) > 0 {
			config["stopSequences"] = stop
		}
	}
	if len(config) > 0 {
		body["generationConfig"] = config
	}
	if tools, _ := request["tools"].([]any); len(tools) > 0 {
		declarations := []any{}
		for _, raw := range tools {
			tool, _ := raw.(map[string]any)
			function, ok := tool["function"].(map[string]any)
			if !ok {
				continue
			}
			description, _ := function["description"].(string)
			declaration := map[string]any{"name": function["name"], "description": description}
			if function["parameters"] != nil {
				declaration["parameters"] = function["parameters"]
			}
			declarations = append(declarations, declaration)
		}
		body["tools"] = []any{map[string]any{"functionDeclarations": declarations}}
		choice, perr := toolConfig(request["tool_choice"])
		if perr != nil {
			return nil, perr
		}
		if choice != nil {
			body["toolConfig"] = choice
		}
	}
	return body, nil
}

var safetyReasons = map[string]bool{"SAFETY": true, "RECITATION": true, "BLOCKLIST": true, "PROHIBITED_CONTENT": true, "SPII": true, "IMAGE_SAFETY": true, "IMAGE_PROHIBITED_CONTENT": true, "IMAGE_RECITATION": true}

func finishReason(reason any, hasCalls bool) string {
	text, _ := reason.(string)
	switch {
	case text == "MAX_TOKENS":
		return "length"
	case safetyReasons[text]:
		return "content_filter"
	case hasCalls:
		return "tool_calls"
	}
	return "stop"
}

func count(value any) int64 {
	n, _ := value.(float64)
	return int64(n)
}

// usageOf counts thinking tokens as output too: they are generated (and billed).
func usageOf(usage map[string]any) map[string]any {
	prompt := count(usage["promptTokenCount"])
	completion := count(usage["candidatesTokenCount"]) + count(usage["thoughtsTokenCount"])
	return map[string]any{"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
}

func newID() string {
	buf := make([]byte, 12)
	_, _ = rand.Read(buf)
	return "chatcmpl-" + hex.EncodeToString(buf)
}

// blocked is the content_filter error of a prompt Gemini refused (200, no candidates).
func blocked(data map[string]any) *PluginError {
	feedback, _ := data["promptFeedback"].(map[string]any)
	candidates, _ := data["candidates"].([]any)
	if reason, _ := feedback["blockReason"].(string); reason != "" && len(candidates) == 0 {
		return newError("content_filter", "the provider blocked the prompt: "+reason)
	}
	return nil
}

type candidateParts struct {
	text   string
	calls  []map[string]any
	reason any
}

// candidate reads the text, function calls and finish reason of the first candidate.
func candidate(data map[string]any) (candidateParts, *PluginError) {
	candidates, _ := data["candidates"].([]any)
	if len(candidates) == 0 {
		if _, ok := data["usageMetadata"]; ok {
			return candidateParts{}, nil // a chunk with usage only
		}
		return candidateParts{}, newError("internal_error", "the provider's answer is not a valid GenerateContentResponse")
	}
	first, _ := candidates[0].(map[string]any)
	content, _ := first["content"].(map[string]any)
	parts, _ := content["parts"].([]any)
	result := candidateParts{reason: first["finishReason"]}
	var text strings.Builder
	for _, raw := range parts {
		part, _ := raw.(map[string]any)
		if value, ok := part["text"].(string); ok && part["thought"] != true {
			text.WriteString(value)
		}
		if call, ok := part["functionCall"].(map[string]any); ok {
			result.calls = append(result.calls, call)
		}
	}
	result.text = text.String()
	return result, nil
}

// toolCall gives a Gemini call (no id of its own) a stable id per position.
func toolCall(call map[string]any, index int) map[string]any {
	id, _ := call["id"].(string)
	if id == "" {
		id = fmt.Sprintf("call_%d_%v", index, call["name"])
	}
	args := call["args"]
	if args == nil {
		args = map[string]any{}
	}
	arguments, _ := json.Marshal(args)
	return map[string]any{"id": id, "type": "function", "function": map[string]any{"name": fmt.Sprint(call["name"]), "arguments": string(arguments)}}
}

// fromResponse maps a GenerateContentResponse to an OpenAI-style chat completion.
func fromResponse(data map[string]any, request map[string]any) (map[string]any, *PluginError) {
	if perr := blocked(data); perr != nil {
		return nil, perr
	}
	found, perr := candidate(data)
	if perr != nil {
		return nil, perr
	}
	message := map[string]any{"role": "assistant", "content": found.text}
	if len(found.calls) > 0 {
		calls := []any{}
		for i, call := range found.calls {
			calls = append(calls, toolCall(call, i))
		}
		message["tool_calls"] = calls
		if found.text == "" {
			message["content"] = nil
		}
	}
	usage, _ := data["usageMetadata"].(map[string]any)
	id, _ := data["responseId"].(string)
	if id == "" {
		id = newID()
	}
	model, _ := data["modelVersion"].(string)
	if model == "" {
		model = fmt.Sprint(request["model"])
	}
	return map[string]any{
		"id":      id,
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   model,
		"choices": []any{map[string]any{"index": 0, "message": message, "finish_reason": finishReason(found.reason, len(found.calls) > 0)}},
		"usage":   usageOf(usage),
	}, nil
}
