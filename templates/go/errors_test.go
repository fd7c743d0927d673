package main

// How long a rate-limited upstream asks to wait (parseRetryAfter in errors.go).

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	for header, want := range map[string]int{"7": 7, "7.9": 7, "": 1, "soon": 1, "-3": 0} {
		if got := parseRetryAfter(header); got != want {
			t.Errorf("parseRetryAfter(%q) = %d, want %d", header, got, want)
		}
	}
	if got := parseRetryAfter(time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)); got < 25 || got > 30 {
		t.Errorf("an HTTP date 30 s ahead gave %d", got)
	}
}
