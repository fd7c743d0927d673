package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// errorTable is the Loom error model: the HTTP status and transient flag of every code.
// The rest of the code only says *what* went wrong; status and transient follow from it.
var errorTable = map[string]struct {
	status    int
	transient bool
}{
	"invalid_request":       {400, false},
	"authentication_failed": {401, false},
	"quota_exceeded":        {402, false},
	"model_not_found":       {404, false},
	"content_filter":        {422, false},
	"rate_limit_exceeded":   {429, true},
	"internal_error":        {500, false},
	"provider_unavailable":  {502, true}, // 503 when the upstream itself said 503
	"timeout":               {504, true},
}

// Error answers quote the provider's own text, and a provider or proxy may echo a secret
// back in it: the configured api_key, or another config field the manifest marks
// `sensitive: true`. Every string of every error answer, details included, shows it as
// `[<field>]` instead (`[api_key]`), found
//   - as configured, so inside "Bearer <key>" or "x-api-key: <key>" too;
//   - percent-encoded, as a URL or form quotes it (any characters encoded, hex digits in
//     either case, a space as "+"), or JSON-escaped ("\/", "\"", "\\", "\u002b");
//   - cut short: any run of its first 8 or more bytes, as a quote cut at 200 bytes leaves
//     it; providerQuote hides secrets before it cuts, so its cut cannot split an encoded
//     copy either.
//
// Not found: other encodings (base64, as in a Basic auth header; HTML entities; escaped
// twice), fewer than its first 8 bytes, and an encoded copy cut short by anything but
// providerQuote. A secret shorter than 8 bytes is left alone, so that a short value
// cannot blank common words.
const (
	minSecret  = 8
	quoteLimit = 200 // how much of the provider's own text an error message quotes, in bytes
)

type secret struct {
	value, marker string
	pattern       *regexp.Regexp
}

var hidden struct {
	sync.RWMutex
	secrets []secret // longest first
}

// hideSecrets is called by /initialize with the configured secrets, field name -> value
// (one config per plugin process).
func hideSecrets(named map[string]string) {
	secrets := []secret{}
	for name, value := range named {
		if len(value) >= minSecret {
			secrets = append(secrets, secret{value, "[" + name + "]", regexp.MustCompile(secretPattern(value))})
		}
	}
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i].value) > len(secrets[j].value) })
	hidden.Lock()
	hidden.secrets = secrets
	hidden.Unlock()
}

func currentSecrets() []secret {
	hidden.RLock()
	defer hidden.RUnlock()
	return hidden.secrets
}

// secretPattern matches value with each character as it is, percent-encoded or
// JSON-escaped (ASCII letters and digits stay as they are).
func secretPattern(value string) string {
	var pattern strings.Builder
	for _, char := range value {
		if char < utf8.RuneSelf && (unicode.IsLetter(char) || unicode.IsDigit(char)) {
			pattern.WriteRune(char)
			continue
		}
		literal := regexp.QuoteMeta(string(char))
		percent := ""
		for _, b := range []byte(string(char)) {
			percent += "%" + anyCaseHex(int(b), 2)
		}
		forms := []string{literal, percent}
		if char <= 0xFFFF {
			forms = append(forms, `\\u`+anyCaseHex(int(char), 4))
		}
		if strings.ContainsRune(`/"\`, char) {
			forms = append(forms, `\\`+literal)
		}
		if char == ' ' {
			forms = append(forms, `\+`)
		}
		pattern.WriteString("(?:" + strings.Join(forms, "|") + ")")
	}
	return pattern.String()
}

// anyCaseHex is a pattern for n in width hex digits, a-f in either case.
func anyCaseHex(n, width int) string {
	var pattern strings.Builder
	for _, digit := range fmt.Sprintf("%0*x", width, n) {
		if digit >= 'a' {
			fmt.Fprintf(&pattern, "[%c%c]", digit, unicode.ToUpper(digit))
		} else {
			pattern.WriteRune(digit)
		}
	}
	return pattern.String()
}

// withoutStart is text with every run of the secret's first minSecret or more bytes as
// its marker.
func withoutStart(text string, s secret) string {
	var out strings.Builder
	for {
		at := strings.Index(text, s.value[:minSecret])
		if at < 0 {
			break
		}
		end := at + minSecret
		for end < len(text) && end-at < len(s.value) && text[end] == s.value[end-at] {
			end++
		}
		out.WriteString(text[:at] + s.marker)
		text = text[end:]
	}
	out.WriteString(text)
	return out.String()
}

// withoutSecrets is text with the configured secrets as their markers.
func withoutSecrets(text string) string {
	secrets := currentSecrets()
	for _, s := range secrets {
		text = s.pattern.ReplaceAllLiteralString(text, s.marker)
	}
	for _, s := range secrets {
		text = withoutStart(text, s)
	}
	return text
}

// cleaned is value (anything JSON can encode) with withoutSecrets applied to every string
// in it, map keys too: it goes through JSON first, so that no type of value is skipped.
func cleaned(value any) any {
	raw, err := json.Marshal(value)
	if err != nil {
		return nil
	}
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.UseNumber() // numbers stay exactly as they were
	var plain any
	_ = decoder.Decode(&plain)
	return cleanedPlain(plain)
}

func cleanedPlain(value any) any {
	switch value := value.(type) {
	case string:
		return withoutSecrets(value)
	case []any:
		for i, item := range value {
			value[i] = cleanedPlain(item)
		}
	case map[string]any:
		out := make(map[string]any, len(value))
		for key, item := range value {
			out[withoutSecrets(key)] = cleanedPlain(item)
		}
		return out
	}
	return value
}

// providerQuote is the provider's own text as an error message quotes it: secrets hidden
// first, so that the cut cannot leave part of one, then cut at quoteLimit bytes (at a
// character's start, and past a marker it would split).
func providerQuote(text string) string {
	text = withoutSecrets(text)
	cut := min(quoteLimit, len(text))
	for cut < len(text) && !utf8.RuneStart(text[cut]) {
		cut--
	}
	for _, s := range currentSecrets() {
		for from := 0; ; {
			at := strings.Index(text[from:], s.marker)
			if at < 0 || from+at >= cut {
				break
			}
			cut = max(cut, from+at+len(s.marker))
			from += at + 1
		}
	}
	return text[:cut]
}

// providerReported is the sentence every adapter tells a failure the provider reported
// with: what it reported ("an error"), while doing what ("streaming"), its own words when
// it sent any (said, quoted already), and "retrying may work" only when code is transient.
func providerReported(code, said, what, doing string) string {
	message := "the provider reported " + what + " while " + doing + " the answer"
	if said != "" {
		message += " (" + said + ")"
	}
	if errorTable[code].transient {
		message += "; retrying may work"
	}
	return message
}

// PluginError is an error answer: `{code, message, transient, details?}`.
type PluginError struct {
	Code      string
	Message   string
	Status    int
	Details   map[string]any
	RetryWait int // seconds, for rate_limit_exceeded: sent as the Retry-After header
}

func (e *PluginError) Error() string { return e.Code + ": " + e.Message }

func newError(code, message string) *PluginError {
	return &PluginError{Code: code, Message: message, Status: errorTable[code].status}
}

func (e *PluginError) body() map[string]any {
	body := map[string]any{"code": e.Code, "message": withoutSecrets(e.Message), "transient": errorTable[e.Code].transient}
	if len(e.Details) > 0 {
		body["details"] = cleaned(e.Details)
	}
	return body
}

func writeJSON(w http.ResponseWriter, status int, value any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(value)
}

func writeError(w http.ResponseWriter, err *PluginError) {
	if err.Code == "rate_limit_exceeded" {
		w.Header().Set("Retry-After", itoa(err.RetryWait))
	}
	writeJSON(w, err.Status, err.body())
}

func itoa(n int) string { return strconv.Itoa(n) }

// parseRetryAfter: the seconds a rate-limited upstream asks to wait, from its Retry-After
// (seconds or an HTTP date), else 1.
func parseRetryAfter(header string) int {
	if header == "" {
		return 1
	}
	if seconds, err := strconv.ParseFloat(header, 64); err == nil {
		return max(0, int(seconds))
	}
	if date, err := http.ParseTime(header); err == nil {
		return max(0, int(time.Until(date).Seconds()))
	}
	return 1
}
