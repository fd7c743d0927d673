package main

// wire.go: the Azure OpenAI wire, laid over the openai adapter (its other files are
// openai's). Azure speaks OpenAI's chat body and stream, so requests pass through; what
// differs is the URL (POST {endpoint}/openai/deployments/{deployment}/chat/completions
// ?api-version=..., a chat request's model names the deployment), the api-key header,
// the model list (the configured deployments: Azure's data-plane /openai/models lists
// base models, not what this resource can serve), the filter-only first stream chunk,
// and Azure's error codes (upstream_errors.go).

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

type wire struct {
	apiVersion  string
	deployments []string
}

func newWire(config Config) wire {
	return wire{apiVersion: config.String("api_version"), deployments: deploymentNames(config.String("deployment"))}
}

func (wire) baseURL(endpoint string) string { return endpoint + "/openai" }

func (wire) authorize(request *http.Request, apiKey string) { request.Header.Set("api-key", apiKey) }

// chatPath is the deployment's chat URL; the request's model names the deployment.
func (w wire) chatPath(request map[string]any) string {
	model, _ := request["model"].(string)
	return "/deployments/" + url.PathEscape(model) + "/chat/completions?api-version=" + url.QueryEscape(w.apiVersion)
}

// keepChunk: Azure's first chunk often carries only prompt_filter_results: nothing to pass on.
func (wire) keepChunk(chunk map[string]any) bool {
	choices, _ := chunk["choices"].([]any)
	return len(choices) > 0 || chunk["usage"] != nil
}

func deploymentNames(list string) []string {
	names := []string{}
	for _, name := range strings.Split(list, ",") {
		if name = strings.TrimSpace(name); name != "" {
			names = append(names, name)
		}
	}
	return names
}

// ListModels answers the configured deployments: a deployment is what a chat request can
// name, and Azure's data plane cannot list them.
func (u *Upstream) ListModels(ctx context.Context) ([]map[string]any, *PluginError) {
	models := []map[string]any{}
	for _, name := range u.deployments {
		models = append(models, map[string]any{"id": name, "name": name, "capabilities": map[string]any{"streaming": true}})
	}
	return models, nil
}
