package featureflag_test

import (
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd/featureflag"
)

func TestStamp(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 10, 28, 19, 14, 35, 761_999_999, time.UTC)
	const at = "2025-10-28T19:14:35.761Z"
	const old = "2024-01-02T03:04:05.006Z"
	// stamped returns the members the stamps add, as Stamp writes them.
	stamped := func(created, updated string) string {
		return `"_createdAt": "` + created + `", "_updatedAt": "` + updated + `"`
	}
	tests := []struct {
		name, doc, previous, want string
	}{
		{
			name: "AddsToEveryFlagAndValue",
			doc: `{
  "version": "1",
  "flags": {
    "beta": {"name": "Beta"},
    "empty": {}
  },
  "values": {
    "beta": {"enabled": true}
  }
}`,
			want: `{
  "version": "1",
  "flags": {
    "beta": {"name": "Beta", ` + stamped(at, at) + `},
    "empty": {` + stamped(at, at) + `}
  },
  "values": {
    "beta": {"enabled": true, ` + stamped(at, at) + `}
  }
}`,
		},
		{
			name: "KeepsTheOrderAndTextOfMembers",
			doc:  `{"values": {"b": {"x": 1.50, "enabled": true}}, "version": "1", "flags": {"b": {"attributes": {"x": {}}, "name": "B"}}}`,
			want: `{"values": {"b": {"x": 1.50, "enabled": true, ` + stamped(at, at) + `}}, "version": "1", "flags": {"b": {"attributes": {"x": {}}, "name": "B", ` + stamped(at, at) + `}}}`,
		},
		{
			name: "KeepsTheStampsOfANewFlag",
			doc:  `{"version": "1", "flags": {"b": {"_createdAt": "` + old + `", "name": "B", "_updatedAt": "` + old + `"}}}`,
			want: `{"version": "1", "flags": {"b": {"_createdAt": "` + old + `", "name": "B", "_updatedAt": "` + old + `"}}}`,
		},
		{
			name: "CompletesHalfStamped",
			doc:  `{"version": "1", "flags": {"b": {"_createdAt": "` + old + `"}}}`,
			want: `{"version": "1", "flags": {"b": {"_createdAt": "` + old + `", "_updatedAt": "` + at + `"}}}`,
		},
		{
			name:     "UnchangedFlagKeepsPreviousStamps",
			doc:      `{"version": "1", "flags": {"b": {"description": "d", "name": "B"}}, "values": {"b": {"enabled": true}}}`,
			previous: `{"version": "1", "flags": {"b": {"name": "B", "description": "d", ` + stamped(old, old) + `}}, "values": {"b": {"enabled": true, ` + stamped(old, old) + `}}}`,
			want:     `{"version": "1", "flags": {"b": {"description": "d", "name": "B", ` + stamped(old, old) + `}}, "values": {"b": {"enabled": true, ` + stamped(old, old) + `}}}`,
		},
		{
			name:     "ChangedValueGetsANewUpdatedAt",
			doc:      `{"version": "1", "flags": {"b": {"name": "B"}}, "values": {"b": {"enabled": false}}}`,
			previous: `{"version": "1", "flags": {"b": {"name": "B", ` + stamped(old, old) + `}}, "values": {"b": {"enabled": true, ` + stamped(old, old) + `}}}`,
			want:     `{"version": "1", "flags": {"b": {"name": "B", ` + stamped(old, old) + `}}, "values": {"b": {"enabled": false, ` + stamped(old, at) + `}}}`,
		},
		{
			name:     "ChangedFlagCarryingStaleStamps",
			doc:      `{"version": "1", "flags": {"b": {"name": "Renamed", ` + stamped(old, old) + `}}}`,
			previous: `{"version": "1", "flags": {"b": {"name": "B", ` + stamped(old, old) + `}}}`,
			want:     `{"version": "1", "flags": {"b": {"name": "Renamed", ` + stamped(old, at) + `}}}`,
		},
		{
			name:     "PreviousWithoutStamps",
			doc:      `{"version": "1", "flags": {"b": {}}}`,
			previous: `{"version": "1", "flags": {"b": {}}}`,
			want:     `{"version": "1", "flags": {"b": {` + stamped(at, at) + `}}}`,
		},
		{
			name:     "PreviousThatIsNotJSONIsIgnored",
			doc:      `{"version": "1", "flags": {"b": {}}}`,
			previous: `{"version": `,
			want:     `{"version": "1", "flags": {"b": {` + stamped(at, at) + `}}}`,
		},
		{
			name: "NoFlags",
			doc:  `{"version": "1"}`,
			want: `{"version": "1"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var previous []byte
			if tt.previous != "" {
				previous = []byte(tt.previous)
			}
			got, err := featureflag.Stamp([]byte(tt.doc), previous, now)
			if err != nil {
				t.Fatalf("Stamp: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("Stamp =\n%s\nwant\n%s", got, tt.want)
			}
			if err := featureflag.Validate(got); err != nil {
				t.Errorf("Validate(stamped) = %v; want nil", err)
			}
		})
	}
}

func TestStamp_WritesUTC(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600))
	got, err := featureflag.Stamp([]byte(`{"version": "1", "flags": {"b": {}}}`), nil, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"_createdAt": "2025-01-01T00:00:00.000Z"`; !strings.Contains(string(got), want) {
		t.Errorf("Stamp = %s; want it to contain %s", got, want)
	}
}

func TestStamp_RefusesNonDocuments(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{`{"version": `, `["version"]`} {
		if got, err := featureflag.Stamp([]byte(doc), nil, time.Unix(0, 0)); err == nil {
			t.Errorf("Stamp(%s) = %s; want an error", doc, got)
		}
	}
}
