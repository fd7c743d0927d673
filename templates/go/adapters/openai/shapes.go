package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Loom decodes created, index and token counts as integers: 5.5 or "5" fail there.
func toInt(value any, fallback int64) int64 {
	if number, ok := value.(json.Number); ok {
		if n, err := number.Int64(); err == nil {
			return n
		}
		if f, err := number.Float64(); err == nil {
			return int64(f)
		}
	}
	return fallback
}

// toText: message.content is a string or null for Loom; some providers send parts.
func toText(content any) any {
	switch value := content.(type) {
	case nil, string:
		return value
	case []any:
		var text strings.Builder
		for _, part := range value {
			if object, ok := part.(map[string]any); ok {
				if piece, ok := object["text"].(string); ok {
					text.WriteString(piece)
				}
			}
		}
		return text.String()
	default:
		return fmt.Sprint(value)
	}
}

func badShape(what string) *PluginError {
	return newError("internal_error", "the provider's answer is not a valid "+what)
}

func stringOr(value any, fallback string) string {
	if text, ok := value.(string); ok && text != "" {
		return text
	}
	return fallback
}

func normalizeCompletion(data any, request map[string]any) (map[string]any, *PluginError) {
	object, ok := data.(map[string]any)
	rawChoices, isList := object["choices"].([]any)
	if !ok || !isList {
		return nil, badShape("chat completion")
	}
	choices := make([]any, 0, len(rawChoices))
	for index, raw := range rawChoices {
		choice, _ := raw.(map[string]any)
		message, ok := choice["message"].(map[string]any)
		if !ok {
			return nil, badShape("chat completion")
		}
		normalized := map[string]any{}
		for key, value := range message {
			normalized[key] = value
		}
		normalized["role"] = stringOr(message["role"], "assistant")
		normalized["content"] = toText(message["content"])
		choices = append(choices, map[string]any{
			"index":         toInt(choice["index"], int64(index)),
			"message":       normalized,
			"finish_reason": stringOr(choice["finish_reason"], "stop"),
		})
	}
	usage, _ := object["usage"].(map[string]any)
	prompt, completion := toInt(usage["prompt_tokens"], 0), toInt(usage["completion_tokens"], 0)
	normalizedUsage := map[string]any{
		"prompt_tokens":     prompt,
		"completion_tokens": completion,
		"total_tokens":      toInt(usage["total_tokens"], prompt+completion),
	}
	if cost, ok := usage["cost_usd"].(json.Number); ok {
		normalizedUsage["cost_usd"] = cost
	}
	return map[string]any{
		"id":      stringOr(object["id"], fmt.Sprintf("chatcmpl-%d", time.Now().UnixNano())),
		"object":  "chat.completion",
		"created": toInt(object["created"], time.Now().Unix()),
		"model":   stringOr(object["model"], stringOr(request["model"], "")),
		"choices": choices,
		"usage":   normalizedUsage,
	}, nil
}

func normalizeChunk(data any, request map[string]any) (map[string]any, *PluginError) {
	object, ok := data.(map[string]any)
	rawChoices, isList := object["choices"].([]any)
	if !ok || !isList {
		return nil, badShape("chat completion chunk")
	}
	chunk := map[string]any{}
	for key, value := range object {
		chunk[key] = value
	}
	chunk["id"] = stringOr(object["id"], "chatcmpl-stream")
	chunk["object"] = "chat.completion.chunk"
	chunk["created"] = toInt(object["created"], time.Now().Unix())
	chunk["model"] = stringOr(object["model"], stringOr(request["model"], ""))
	choices := make([]any, 0, len(rawChoices))
	for index, raw := range rawChoices {
		choice, ok := raw.(map[string]any)
		if !ok {
			return nil, badShape("chat completion chunk")
		}
		normalized := map[string]any{}
		for key, value := range choice {
			normalized[key] = value
		}
		delta, _ := choice["delta"].(map[string]any)
		normalizedDelta := map[string]any{}
		for key, value := range delta {
			normalizedDelta[key] = value
		}
		if content, present := delta["content"]; present {
			normalizedDelta["content"] = toText(content)
		}
		normalized["index"] = toInt(choice["index"], int64(index))
		normalized["delta"] = normalizedDelta
		choices = append(choices, normalized)
	}
	chunk["choices"] = choices
	if usage, ok := object["usage"].(map[string]any); ok {
		chunk["usage"] = map[string]any{
			"prompt_tokens":     toInt(usage["prompt_tokens"], 0),
			"completion_tokens": toInt(usage["completion_tokens"], 0),
			"total_tokens":      toInt(usage["total_tokens"], 0),
		}
	}
	return chunk, nil
}
