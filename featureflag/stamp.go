package featureflag

import (
	"bytes"
	"cmp"
	"errors"
	"slices"
	"time"
)

// stampLayout is how AWS writes _createdAt and _updatedAt: ISO 8601 in UTC
// with milliseconds, e.g. "2025-10-28T19:14:35.761Z".
const stampLayout = "2006-01-02T15:04:05.000Z"

// stampNames are the metadata members Stamp maintains.
var stampNames = [2]string{"_createdAt", "_updatedAt"}

// Stamp returns doc with the metadata AWS adds on
// CreateHostedConfigurationVersion (docs/WIRE.md §4.1 "adds metadata"): every entry
// of "flags" and of "values" gets _createdAt and _updatedAt. previous is
// the profile's previous version (nil for none). An entry that is
// unchanged since previous (ignoring the stamps) keeps previous's stamps; a
// changed one keeps its _createdAt and gets _updatedAt = now; a new one
// keeps stamps it already carries and gets now for missing ones.
//
// Stamp edits the document in place, so member order, formatting and
// number text are preserved; a stamp that already exists is overwritten
// where it stands and a missing one is added after the entry's last
// member. doc should have passed Validate; previous is only a source of
// stamps and is ignored when it does not parse.
func Stamp(doc, previous []byte, now time.Time) ([]byte, error) {
	root, err := parseJSON(doc)
	if err != nil {
		return nil, err
	}
	if root.kind != kindObject {
		return nil, errors.New("feature flags: the document is not a JSON object")
	}
	var before *node
	if previous != nil {
		if p, err := parseJSON(previous); err == nil {
			before = p
		}
	}
	at := now.UTC().Format(stampLayout)
	var edits []edit
	for _, section := range []string{"flags", "values"} {
		entries := objectAt(root, section)
		if entries == nil {
			continue
		}
		old := map[string]*node{}
		if prev := objectAt(before, section); prev != nil {
			for _, m := range slices.Backward(prev.members) {
				old[m.name] = objectAt(m.value, "") // the first of repeated names
			}
		}
		for _, m := range entries.members {
			if m.value.kind != kindObject {
				continue
			}
			created, updated := stamps(m.value, old[m.name], at)
			edits = stampEdits(edits, m.value, created, updated)
		}
	}
	return applyEdits(doc, edits), nil
}

// objectAt returns member name of object n (n itself for ""), or nil when
// n is nil or the value is not an object.
func objectAt(n *node, name string) *node {
	if n != nil && name != "" {
		n = n.get(name)
	}
	if n == nil || n.kind != kindObject {
		return nil
	}
	return n
}

// stamps decides the _createdAt and _updatedAt of entry, whose version in
// the previous document is before (nil when new).
func stamps(entry, before *node, now string) (created, updated string) {
	switch {
	case before == nil:
		return first(stampOf(entry, 0), now), first(stampOf(entry, 1), now)
	case bytes.Equal(canonical(nil, entry, true), canonical(nil, before, true)):
		return first(stampOf(before, 0), stampOf(entry, 0), now), first(stampOf(before, 1), stampOf(entry, 1), now)
	default:
		return first(stampOf(before, 0), stampOf(entry, 0), now), now
	}
}

// stampOf returns the string value of stamp i of n, or "".
func stampOf(n *node, i int) string {
	if v := n.get(stampNames[i]); v != nil && v.kind == kindString {
		return v.text
	}
	return ""
}

// first returns the first non-empty string.
func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// canonical appends n as compact JSON with members sorted by name, leaving
// out the stamps of the outermost object when skipStamps is set: two
// entries with the same canonical form are unchanged.
func canonical(dst []byte, n *node, skipStamps bool) []byte {
	if n.kind != kindObject && n.kind != kindArray {
		return appendNode(dst, n)
	}
	if n.kind == kindArray {
		dst = append(dst, '[')
		for i, e := range n.elems {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = canonical(dst, e, false)
		}
		return append(dst, ']')
	}
	ms := slices.Clone(n.members)
	slices.SortStableFunc(ms, func(a, b member) int { return cmp.Compare(a.name, b.name) })
	dst = append(dst, '{')
	sep := false
	for _, m := range ms {
		if skipStamps && (m.name == stampNames[0] || m.name == stampNames[1]) {
			continue
		}
		if sep {
			dst = append(dst, ',')
		}
		sep = true
		dst = appendString(dst, m.name)
		dst = append(dst, ':')
		dst = canonical(dst, m.value, false)
	}
	return append(dst, '}')
}

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       []byte
}

// stampEdits appends the edits that give object entry the stamps created
// and updated.
func stampEdits(edits []edit, entry *node, created, updated string) []edit {
	var missing []byte
	for i, value := range [2]string{created, updated} {
		if v := entry.get(stampNames[i]); v != nil {
			edits = append(edits, edit{start: v.start, end: v.end, text: appendString(nil, value)})
			continue
		}
		if len(missing) > 0 || len(entry.members) > 0 {
			missing = append(missing, ", "...)
		}
		missing = appendMember(missing, stampNames[i])
		missing = appendString(missing, value)
	}
	if len(missing) == 0 {
		return edits
	}
	at := entry.start + 1 // just inside an empty object's '{'
	if n := len(entry.members); n > 0 {
		at = entry.members[n-1].value.end
	}
	return append(edits, edit{start: at, end: at, text: missing})
}

// applyEdits returns src with non-overlapping edits applied.
func applyEdits(src []byte, edits []edit) []byte {
	slices.SortFunc(edits, func(a, b edit) int { return cmp.Compare(a.start, b.start) })
	out := make([]byte, 0, len(src)+64*len(edits))
	pos := 0
	for _, e := range edits {
		out = append(out, src[pos:e.start]...)
		out = append(out, e.text...)
		pos = e.end
	}
	return append(out, src[pos:]...)
}
