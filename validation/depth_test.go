package validation

import (
	"strings"
	"testing"
)

func TestJSONDepth(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		json string
		want int
	}{
		{`1`, 0},
		{`{}`, 1},
		{`{"a":[{"b":"[[[{{{"}]}`, 3},
		{`{"a":"\"{"}`, 1},
		{strings.Repeat(`{"allOf":[`, 100) + `{}` + strings.Repeat(`]}`, 100), 201},
	} {
		if got := jsonDepth(tt.json); got != tt.want {
			t.Errorf("jsonDepth(%.40q) = %d, want %d", tt.json, got, tt.want)
		}
	}
}

func TestDeeplyNestedSchemaRefused(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat(`{"allOf":[`, 1500) + `{}` + strings.Repeat(`]}`, 1500)
	if _, err := compileSchema(deep); err == nil || !strings.Contains(err.Error(), "nested") {
		t.Errorf("compileSchema(1500 deep) = %v, want a nesting error", err)
	}
}
