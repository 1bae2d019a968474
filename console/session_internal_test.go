package console

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestShortenFlash(t *testing.T) {
	t.Parallel()
	t.Run("ShortMessageIsKept", func(t *testing.T) {
		t.Parallel()
		const m = "Created application web (abc1234)."
		if got := shortenFlash(m); got != m {
			t.Errorf("shortenFlash(%q) = %q, want it unchanged", m, got)
		}
	})
	for name, m := range map[string]string{
		"ASCII":     strings.Repeat("a", 2000),
		"Accents":   strings.Repeat("é", 2000),
		"Mixed":     strings.Repeat("ab€ ", 500),
		"Emoji":     strings.Repeat("🚀", 500),
		"NearBound": strings.Repeat("x", maxFlashBytes+1),
	} {
		t.Run("LongMessageIsCut/"+name, func(t *testing.T) {
			t.Parallel()
			got := shortenFlash(m)
			if n := len(url.QueryEscape(got)); n > maxFlashBytes {
				t.Errorf("cookie value of %d bytes, want at most %d", n, maxFlashBytes)
			}
			cut, ok := strings.CutSuffix(got, "…")
			if !ok || !strings.HasPrefix(m, cut) || cut == "" {
				t.Errorf("got %q, want a beginning of the message and an ellipsis", got)
			}
			if !utf8.ValidString(got) {
				t.Errorf("got %q, which cuts a character", got)
			}
		})
	}
}
