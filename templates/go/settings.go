package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// The metadata and config schema come from the manifest, embedded when the binary is
// built, so the code never repeats them: GET /metadata answers plugin.json's `metadata`.
// plugin.json is generated from plugin.yaml: after editing plugin.yaml, run
// `npx loom-plugin sync` (`loom-plugin dev` does it on save); `loom-plugin test` and
// `dev` rebuild the binary before they start it.
// configSchema drives the validation in /initialize, so a field added to the manifest
// is validated the way it is declared.
//
//go:embed plugin.json
var manifestJSON []byte

var metadata, configSchema, capabilities = loadMetadata(manifestJSON)

func loadMetadata(raw []byte) (map[string]any, []map[string]any, map[string]bool) {
	var manifest struct {
		Metadata map[string]any `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil || manifest.Metadata == nil {
		panic(fmt.Sprintf("plugin.json has no metadata (%v): run `npx loom-plugin sync`, then rebuild", err))
	}
	schema := []map[string]any{}
	fields, _ := manifest.Metadata["config_schema"].([]any)
	for _, field := range fields {
		if object, ok := field.(map[string]any); ok {
			schema = append(schema, object)
		}
	}
	flags := map[string]bool{}
	declared, _ := manifest.Metadata["capabilities"].(map[string]any)
	for name, on := range declared {
		flags[name] = on == true
	}
	return manifest.Metadata, schema, flags
}

// Config is a validated /initialize body: field name -> value, exactly the manifest's
// fields (the upstream adapter reads the ones its provider needs). Numbers are float64.
type Config map[string]any

// String is a text field's value ("" when unset).
func (c Config) String(name string) string { s, _ := c[name].(string); return s }

// Int is a number field's value (0 when unset).
func (c Config) Int(name string) int { n, _ := c[name].(float64); return int(n) }

// envName is where a value comes from when /initialize leaves it out (Loom sends {}).
func envName(field string) string { return "LOOM_CONFIG_" + strings.ToUpper(field) }

func invalid(format string, args ...any) *PluginError {
	return newError("invalid_request", fmt.Sprintf(format, args...))
}

// fromEnv converts an environment value (text) to the field's declared type.
func fromEnv(name, kind, raw string) (any, *PluginError) {
	text := strings.TrimSpace(raw)
	switch kind {
	case "int":
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return float64(n), nil
		}
	case "float":
		if f, err := strconv.ParseFloat(text, 64); err == nil {
			return f, nil
		}
	case "bool":
		if b, err := strconv.ParseBool(text); err == nil {
			return b, nil
		}
	default:
		return raw, nil
	}
	return nil, invalid("%s must be of type %s", envName(name), kind)
}

// checkType accepts a JSON value (decoded with UseNumber) of the declared type.
func checkType(name, kind string, value any) (any, *PluginError) {
	switch kind {
	case "string":
		if s, ok := value.(string); ok {
			return s, nil
		}
	case "int", "float":
		if n, ok := value.(json.Number); ok {
			if f, err := n.Float64(); err == nil && (kind == "float" || f == math.Trunc(f)) {
				return f, nil
			}
		}
	case "bool":
		if b, ok := value.(bool); ok {
			return b, nil
		}
	}
	return nil, invalid("config field %s must be of type %s", name, kind)
}

func checkRules(field map[string]any, value any) *PluginError {
	name := field["name"].(string)
	if field["required"] == true && value == "" {
		return invalid("config field %s must not be empty", name)
	}
	rules, _ := field["validation"].(map[string]any)
	if n, ok := value.(float64); ok {
		if min, ok := rules["min"].(float64); ok && n < min {
			return invalid("config field %s must be at least %v", name, min)
		}
		if max, ok := rules["max"].(float64); ok && n > max {
			return invalid("config field %s must be at most %v", name, max)
		}
	}
	if pattern, ok := rules["pattern"].(string); ok {
		if s, ok := value.(string); ok && !regexp.MustCompile(pattern).MatchString(s) {
			return invalid("config field %s must match %s", name, pattern)
		}
	}
	return nil
}

// resolveConfig validates an /initialize body. A field missing from it falls back to
// the LOOM_CONFIG_<NAME> environment variable, then to its default.
func resolveConfig(body any, getenv func(string) (string, bool)) (Config, *PluginError) {
	object, ok := body.(map[string]any)
	if !ok {
		return nil, invalid("the /initialize body must be a JSON object")
	}
	values := map[string]any{}
	for _, field := range configSchema {
		name, kind := field["name"].(string), field["type"].(string)
		var value any
		var err *PluginError
		if raw, present := object[name]; present {
			value, err = checkType(name, kind, raw)
		} else if raw, present := getenv(envName(name)); present {
			value, err = fromEnv(name, kind, raw)
		} else if def, present := field["default"]; present {
			value = def // numbers are float64 here, as from JSON and env
		} else if field["required"] == true {
			return nil, invalid("config field %s is required (or set %s)", name, envName(name))
		} else {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := checkRules(field, value); err != nil {
			return nil, err
		}
		values[name] = value
	}
	return Config(values), nil
}

// secretsOf is the config's secrets, field name -> value: api_key and every text field the
// manifest marks `sensitive: true` (error answers hide them, see errors.go).
func secretsOf(config Config) map[string]string {
	secrets := map[string]string{}
	for _, field := range configSchema {
		name, _ := field["name"].(string)
		if value, ok := config[name].(string); ok && (field["sensitive"] == true || name == "api_key") {
			secrets[name] = value
		}
	}
	return secrets
}
