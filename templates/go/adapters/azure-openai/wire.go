package main

// wire.go: the Azure OpenAI wire, laid over the openai adapter (its other files are
// openai's). Azure speaks OpenAI's chat body and stream, so requests pass through; what
// differs is the URL (POST {endpoint}/openai/deployments/{deployment}/chat/completions
// ?api-version=..., a chat request's model names the deployment), the api-key header,
// the model list (the configured deployments: Azure's data-plane /openai/models lists
// base models, not what this resource can serve), the filter-only first stream chunk,
// and what Azure's errors say (content-filter codes, a retry wait that is a spent quota).

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// quotaWaitSeconds: a "retry after" this long is a spent quota, not a rate limit.
const quotaWaitSeconds = 3600

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

// isContentFilter: Azure puts a content-filter refusal in error.code or
// error.innererror.code (codes, in that order; see upstream_errors.go).
func (wire) isContentFilter(status int, codes []string) bool {
	return slices.Contains(codes, "content_filter") || slices.Contains(codes, "ResponsibleAIPolicyViolation")
}

// isSpentQuota: a 429 whose wait is an hour or more is a quota, not a rate.
func (wire) isSpentQuota(status int, codes []string, wait int) bool {
	return status == 429 && wait >= quotaWaitSeconds
}

// retryWait: retry-after-ms when Azure sends it, else Retry-After.
func (wire) retryWait(header http.Header) int {
	if ms, err := strconv.ParseFloat(header.Get("retry-after-ms"), 64); err == nil {
		return max(0, int((ms+999)/1000))
	}
	return parseRetryAfter(header.Get("Retry-After"))
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
