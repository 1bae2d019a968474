package sigv4

import (
	"fmt"
	"net/textproto"
	"testing"
	"time"
)

func TestTrimAll(t *testing.T) {
	cases := []struct{ in, sdk, botocore string }{
		{"value", "value", "value"},
		{"  a   b  ", "a b", "a b"},
		{"a\tb", "a\tb", "a b"},
		{"\t a \t\t b \t", "a \t\t b", "a b"},
		{"a\x1cb", "a\x1cb", "a b"},
		{"", "", ""},
		{`"a   b   c"`, `"a b c"`, `"a b c"`},
		{" \t\n", "", ""},
		{"a\xffb\r\n\xc3\xa9", "a\xffb\r\n\xc3\xa9", "a\xffb \xc3\xa9"},
	}
	for _, c := range cases {
		if got := string(appendTrimAll([]byte("x:"), c.in)); got != "x:"+c.sdk {
			t.Errorf("appendTrimAll(%q) = %q, want %q", c.in, got, "x:"+c.sdk)
		}
		if got := string(appendTrimAllPython([]byte("x:"), c.in)); got != "x:"+c.botocore {
			t.Errorf("appendTrimAllPython(%q) = %q, want %q", c.in, got, "x:"+c.botocore)
		}
	}
}

func TestCanonicalURIAndQuery(t *testing.T) {
	uris := map[string]string{
		"":                                "/",
		"/":                               "/",
		"/applications/abc1234":           "/applications/abc1234",
		"/tags/arn%3Aaws%3Aa%2Fb":         "/tags/arn%253Aaws%253Aa%252Fb",
		"/a b":                            "/a%20b",
		"/-._~":                           "/-._~",
		"/a:b@c!$&'()*+,;=":               "/a%3Ab%40c%21%24%26%27%28%29%2A%2B%2C%3B%3D",
		"/%E2%82%AC":                      "/%25E2%2582%25AC",
		"/\xe2\x82\xac":                   "/%E2%82%AC",
		"/trailing/":                      "/trailing/",
		"//double//slash/./dot/../parent": "//double//slash/./dot/../parent",
	}
	for in, want := range uris {
		if got := CanonicalURI(in); got != want {
			t.Errorf("CanonicalURI(%q) = %q, want %q", in, got, want)
		}
	}
	queries := map[string]string{
		"":                                  "",
		"b=2&a=1":                           "a=1&b=2",
		"tagKeys=b&tagKeys=a&tagKeys=a%20b": "tagKeys=a&tagKeys=a%20b&tagKeys=b",
		"k=a+b":                             "k=a%20b",
		"k=a%2Bb":                           "k=a%2Bb",
		"flag&x=1":                          "flag=&x=1",
		"a=1&&b=2":                          "a=1&b=2",
		"k=a/b&k=a-b":                       "k=a%2Fb&k=a-b", // sorted after encoding: '%' < '-'
		"k=%zz":                             "k=%25zz",
		"%E1%88%B4=bar":                     "%E1%88%B4=bar",
		"k=~*":                              "k=~%2A",
		"k=%7e":                             "k=~",
	}
	for in, want := range queries {
		if got := CanonicalQuery(in); got != want {
			t.Errorf("CanonicalQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCanonicalHeaderKey: for every name ParseAuthorization admits in
// SignedHeaders, the key the canonical headers are looked up under is the
// one net/http stores the header under.
func FuzzCanonicalHeaderKey(f *testing.F) {
	for _, seed := range []string{"host", "x-amz-date", "amz-sdk-invocation-id", "content-type", "-a--b-", "x_y.z~1", "a!#$%&'*+-.^_`|~9"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if !validHeaderName(name) {
			return
		}
		if got, want := string(appendCanonicalHeaderKey(nil, name)), textproto.CanonicalMIMEHeaderKey(name); got != want {
			t.Errorf("appendCanonicalHeaderKey(%q) = %q, want %q", name, got, want)
		}
	})
}

// FuzzParseStamp: parseStamp accepts exactly what time.Parse accepts and
// formats back unchanged, and reads the same time from it.
func FuzzParseStamp(f *testing.F) {
	for _, seed := range []string{"20260101T003000Z", "20240229T235959Z", "20230229T000000Z", "20261301T000000Z", "20260101T240000Z", "20260101T006000Z", "+0260101T000000Z", "2026010100:00:0Z", "00000101T000000Z", "20260101", "20260431", "2026010", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []struct {
			layout    string
			withClock bool
		}{{DateFormat, false}, {TimeFormat, true}} {
			want, err := time.Parse(c.layout, s)
			wantOK := err == nil && want.Format(c.layout) == s
			got, ok := parseStamp(s, c.withClock)
			if ok != wantOK || ok && !got.Equal(want) {
				t.Errorf("parseStamp(%q, %v) = %v, %v; time.Parse(%q) = %v, %v", s, c.withClock, got, ok, c.layout, want, wantOK)
			}
		}
	})
}

// TestParseStampAgreesWithTimeParse walks the edges of every field, leap
// years included, against time.Parse and a round trip through Format.
func TestParseStampAgreesWithTimeParse(t *testing.T) {
	t.Parallel()
	for _, year := range []int{0, 1, 4, 100, 400, 1900, 2000, 2024, 2026, 9999} {
		for month := 0; month <= 13; month++ {
			for day := 0; day <= 32; day++ {
				for _, clock := range []string{"000000", "235959", "240000", "006000", "000060"} {
					date := fmt.Sprintf("%04d%02d%02d", year, month, day)
					for _, c := range []struct {
						s, layout string
						withClock bool
					}{{date, DateFormat, false}, {date + "T" + clock + "Z", TimeFormat, true}} {
						want, err := time.Parse(c.layout, c.s)
						wantOK := err == nil && want.Format(c.layout) == c.s
						if got, ok := parseStamp(c.s, c.withClock); ok != wantOK || ok && !got.Equal(want) {
							t.Fatalf("parseStamp(%q) = %v, %v; time.Parse = %v, %v", c.s, got, ok, want, wantOK)
						}
					}
				}
			}
		}
	}
}
