package ion_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd/internal/ion"
)

func TestParse_Offsets(t *testing.T) {
	t.Parallel()
	src := "a::[1, (b)] /* c */ {f: x::\"s\"}"
	vals, err := ion.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  ion.Value
		want string // the source from the value's offset on starts with this
	}{
		{"AnnotatedList", vals[0], "a::[1"},
		{"ListElement", vals[0].Elems[0], "1, (b)"},
		{"SExpInList", vals[0].Elems[1], "(b)"},
		{"SymbolInSExp", vals[0].Elems[1].Elems[0], "b)"},
		{"Struct", vals[1], "{f:"},
		{"AnnotatedField", vals[1].Fields[0].Value, `x::"s"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := src[tc.got.Offset:]; !strings.HasPrefix(got, tc.want) {
				t.Errorf("source at Offset %d = %q, want it to start with %q", tc.got.Offset, got, tc.want)
			}
		})
	}
}

func TestParse_Depth(t *testing.T) {
	t.Parallel()
	nest := func(n int, open, closer string) string {
		return strings.Repeat(open, n) + strings.Repeat(closer, n)
	}
	tests := []struct {
		name    string
		src     string
		wantErr bool
	}{
		{"ListsAtLimit", nest(ion.MaxDepth, "[", "]"), false},
		{"MixedAtLimit", strings.Repeat("(", 32) + strings.Repeat("{a:", 31) + "{}" + strings.Repeat("}", 31) + strings.Repeat(")", 32), false},
		{"ListsPastLimit", nest(ion.MaxDepth+1, "[", "]"), true},
		{"SExpsPastLimit", nest(ion.MaxDepth+1, "(", ")"), true},
		{"StructsPastLimit", strings.Repeat("{a:", 64) + "{}" + strings.Repeat("}", 64), true},
		{"HugeUnclosed", strings.Repeat("[", 1_000_000), true},
		{"SiblingsDoNotAddUp", strings.Repeat(nest(ion.MaxDepth, "[", "]"), 3), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ion.Parse(tc.src)
			if gotErr := err != nil; gotErr != tc.wantErr {
				t.Fatalf("Parse error = %v, want error: %v", err, tc.wantErr)
			}
			var se *ion.SyntaxError
			if tc.wantErr && (!errors.As(err, &se) || !strings.Contains(se.Msg, "nested more than 64 deep")) {
				t.Errorf("Parse error = %v, want the nesting limit", err)
			}
		})
	}
}

func TestParseTimestamp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text    string
		want    time.Time
		wantErr string
	}{
		{text: "2012-03-04T05:06:07-08:00", want: time.Date(2012, 3, 4, 13, 6, 7, 0, time.UTC)},
		{text: "2024-01T", want: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		{text: "2024T", want: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		{text: "2024-06-30", want: time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)},
		{text: "2024-06-30T23:59:59.5+05:30", want: time.Date(2024, 6, 30, 18, 29, 59, 5e8, time.UTC)},
		{text: "2024-01", want: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}, // AWS's operand table writes it so
		{text: "2024", wantErr: "expected a four-digit year"},
		{text: " 2024T", wantErr: "expected a four-digit year"},
		{text: "2024-06-30T12:00Z ", wantErr: `unexpected " "`},
		{text: "2024-06-31", wantErr: "day 31 is out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			t.Parallel()
			got, err := ion.ParseTimestamp(tc.text)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseTimestamp(%q) = %v, %v; want error containing %q", tc.text, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || !got.Equal(tc.want) {
				t.Errorf("ParseTimestamp(%q) = %v, %v; want %v", tc.text, got, err, tc.want)
			}
		})
	}
}
