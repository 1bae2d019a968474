package dataapi

import (
	"net/url"
	"testing"
)

// queryTokens is what configurationToken must agree with: url.Query's
// configuration_token values.
func queryTokens(rawQuery string) (first string, n int) {
	tokens := (&url.URL{RawQuery: rawQuery}).Query()["configuration_token"]
	if len(tokens) == 0 {
		return "", 0
	}
	return tokens[0], len(tokens)
}

func TestConfigurationToken(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, rawQuery, first string
		n                     int
	}{
		{"Plain", "configuration_token=AYADeJx9q_-Zq", "AYADeJx9q_-Zq", 1},
		{"Escaped", "configuration_token=a%2Fb+c", "a/b c", 1},
		{"EscapedName", "configuration%5Ftoken=t", "t", 1},
		{"Empty", "", "", 0},
		{"EmptyValue", "configuration_token=", "", 1},
		{"NoEquals", "configuration_token", "", 1},
		{"OtherName", "token=t", "", 0},
		{"BadEscapeInValue", "configuration_token=%zz", "", 0},
		{"BadEscapeInName", "configuration_token%zz=t", "", 0},
		{"Twice", "configuration_token=a&configuration_token=b", "a", 2},
		{"EmptyThenToken", "configuration_token=&configuration_token=t", "", 2},
		{"WithOther", "x=1&configuration_token=t&&", "t", 1},
		{"Semicolon", "configuration_token=t;x=1", "", 0},
		{"SemicolonElsewhere", "x=1;y=2&configuration_token=t", "t", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			first, n := configurationToken(&url.URL{RawQuery: c.rawQuery})
			if first != c.first || n != c.n {
				t.Errorf("configurationToken(%q) = %q, %d; want %q, %d", c.rawQuery, first, n, c.first, c.n)
			}
			if qf, qn := queryTokens(c.rawQuery); first != qf || n != qn {
				t.Errorf("configurationToken(%q) = %q, %d; url.Query says %q, %d", c.rawQuery, first, n, qf, qn)
			}
		})
	}
}

// FuzzConfigurationToken: configurationToken reads every query as
// url.Query does.
func FuzzConfigurationToken(f *testing.F) {
	for _, seed := range []string{"configuration_token=a+b%2F", "configuration%5ftoken=x", "configuration_token=%", "a=1&configuration_token=2", "configuration_token=1;", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		first, n := configurationToken(&url.URL{RawQuery: rawQuery})
		if qf, qn := queryTokens(rawQuery); first != qf || n != qn {
			t.Errorf("configurationToken(%q) = %q, %d; url.Query says %q, %d", rawQuery, first, n, qf, qn)
		}
	})
}
