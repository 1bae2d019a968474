package featureflag

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/appconfigd/appconfigd/internal/ion"
	"github.com/appconfigd/appconfigd/rules"
)

// Set is a parsed retrieval-time configuration: what an Agent holds to
// answer flag requests (docs/WIRE.md §4.4). A Set is immutable and safe for
// concurrent use.
type Set struct {
	flags map[string]*servedFlag
}

// servedFlag is one flag of a Set. A basic flag has content; a
// multi-variant flag has variants and, normally, a default.
type servedFlag struct {
	content  any
	variants []servedVariant
	// fallback is the default variant's content, nil when the list had
	// no final default.
	fallback any
	multi    bool
	// err is why the flag could not be read; only requests for it fail.
	err error
}

// servedVariant is one [rule, content] pair of a multi-variant flag.
type servedVariant struct {
	rule    *rules.Rule
	content any
}

// UnknownFlagError is returned by Resolve for a requested flag key that the
// configuration does not have.
type UnknownFlagError struct {
	Key string
}

// Error names the flag.
func (e *UnknownFlagError) Error() string {
	return fmt.Sprintf("feature flag %q is not in the configuration", e.Key)
}

// UnreadableFlagError is returned by Resolve for a requested flag that the
// configuration holds in a form this package cannot read, such as a rule
// it does not parse. The other flags of the configuration still resolve.
type UnreadableFlagError struct {
	Key string
	Err error
}

// Error names the flag and what is wrong with it.
func (e *UnreadableFlagError) Error() string {
	return fmt.Sprintf("feature flag %q cannot be read: %v", e.Key, e.Err)
}

// Unwrap returns the reason.
func (e *UnreadableFlagError) Unwrap() error { return e.Err }

// ParseRetrieval reads a retrieval-time configuration (docs/WIRE.md §4.2): JSON
// with basic flags only, or Ion when at least one flag is multi-variant,
// from appconfigd, from AWS, or from an Agent local-development file
// written by hand. contentType picks the format when it is application/json
// or application/ion (parameters allowed); for any other type, such as the
// application/octet-stream of a local file without a suffix, a body that
// opens with '{' is JSON and anything else Ion. A flag key that appears
// twice keeps its last value, as a JSON object decoded into a map would.
func ParseRetrieval(body []byte, contentType string) (*Set, error) {
	if isIon(body, contentType) {
		return parseIonSet(body)
	}
	return parseJSONSet(body)
}

// parseJSONSet reads the JSON form: an object of flags. Each flag's value
// is served as it stands, so a hand-written file need not follow the flag
// schema.
func parseJSONSet(body []byte) (*Set, error) {
	var top map[string]json.RawMessage
	err := json.Unmarshal(body, &top)
	if err == nil && top == nil {
		err = errors.New("got null")
	}
	if err != nil {
		return nil, fmt.Errorf("feature flags: retrieval-time JSON must be an object of flags: %w", err)
	}
	s := &Set{flags: make(map[string]*servedFlag, len(top))}
	for key, raw := range top {
		v, err := decodeContent(raw)
		if err != nil {
			return nil, fmt.Errorf("feature flags: flag %q: %w", key, err)
		}
		s.flags[key] = &servedFlag{content: v}
	}
	return s, nil
}

// parseIonSet reads the Ion form: a stream of values, each annotated with
// its flag key. A flag that does not read (say, a rule written in a form
// this package does not parse) fails only the requests that ask for it.
func parseIonSet(body []byte) (*Set, error) {
	values, err := ion.Parse(string(body))
	if err != nil {
		return nil, fmt.Errorf("feature flags: retrieval-time Ion: %w", err)
	}
	s := &Set{flags: make(map[string]*servedFlag, len(values))}
	for _, v := range values {
		if len(v.Annotations) != 1 {
			return nil, fmt.Errorf("feature flags: Ion value at offset %d must carry exactly one annotation, its flag key; it has %d", v.Offset, len(v.Annotations))
		}
		key := v.Annotations[0]
		f, err := ionFlag(key, v)
		if err != nil {
			f = &servedFlag{err: err}
		}
		s.flags[key] = f
	}
	return s, nil
}

// ionFlag reads one annotated flag: a string holding a basic flag's JSON,
// or a list of [rule, JSON] pairs optionally ending with the default
// variant's JSON.
func ionFlag(key string, v ion.Value) (*servedFlag, error) {
	switch v.Kind {
	case ion.String:
		content, err := decodeContent([]byte(v.Text))
		return &servedFlag{content: content}, err
	case ion.List:
	default:
		return nil, fmt.Errorf("at offset %d: must be a string or a list of variants", v.Offset)
	}
	f := &servedFlag{multi: true}
	for i, e := range v.Elems {
		if e.Kind == ion.String {
			if i != len(v.Elems)-1 {
				return nil, fmt.Errorf("at offset %d: the default variant must be the last element", e.Offset)
			}
			content, err := decodeContent([]byte(e.Text))
			if err != nil {
				return nil, err
			}
			f.fallback = content
			continue
		}
		if e.Kind != ion.List || len(e.Elems) != 2 || e.Elems[0].Kind != ion.SExp || e.Elems[1].Kind != ion.String {
			return nil, fmt.Errorf("at offset %d: a variant must be a [rule, content] pair of an s-expression and a string", e.Offset)
		}
		rule, err := rules.Parse(string(ion.AppendValue(nil, e.Elems[0])))
		if err != nil {
			return nil, fmt.Errorf("at offset %d: %w", e.Elems[0].Offset, err)
		}
		content, err := decodeContent([]byte(e.Elems[1].Text))
		if err != nil {
			return nil, err
		}
		f.variants = append(f.variants, servedVariant{rule: rule, content: content})
	}
	return f, nil
}

// decodeContent decodes a flag's or variant's JSON, keeping numbers as
// written.
func decodeContent(raw []byte) (any, error) {
	if err := checkSyntax(raw); err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// Keys returns the flag keys of the configuration, sorted.
func (s *Set) Keys() []string {
	keys := make([]string, 0, len(s.flags))
	for k := range s.flags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Unreadable returns an *UnreadableFlagError for the first flag, by key,
// that could not be read, or nil when every flag was.
func (s *Set) Unreadable() error {
	for _, key := range s.Keys() {
		if err := s.flags[key].err; err != nil {
			return &UnreadableFlagError{Key: key, Err: err}
		}
	}
	return nil
}

// Resolve returns the JSON the AWS AppConfig Agent serves for a flag
// request (docs/WIRE.md §4.4): an object of the flags named by keys (all flags when
// keys is empty), each multi-variant flag resolved for ctx to the content
// of the first variant whose rule matches, else of the default variant
// (docs/WIRE.md §4.2; a flag whose list has no default is served {"enabled":
// false}). Like the Agent's documented output, the JSON is compact with
// object members sorted by name. An unknown key yields *UnknownFlagError,
// a flag that could not be read *UnreadableFlagError.
func (s *Set) Resolve(keys []string, ctx map[string]string) ([]byte, error) {
	if len(keys) == 0 {
		keys = s.Keys()
	}
	out := make(map[string]any, len(keys))
	for _, key := range keys {
		f, ok := s.flags[key]
		if !ok {
			return nil, &UnknownFlagError{Key: key}
		}
		if f.err != nil {
			return nil, &UnreadableFlagError{Key: key, Err: f.err}
		}
		out[key] = f.resolve(key, ctx)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("feature flags: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// resolve returns the content served for flag key in context ctx.
func (f *servedFlag) resolve(key string, ctx map[string]string) any {
	if !f.multi {
		return f.content
	}
	in := rules.Input{Context: ctx, FlagKey: key}
	for _, v := range f.variants {
		if v.rule.Eval(in) {
			return v.content
		}
	}
	if f.fallback == nil {
		return map[string]any{"enabled": false}
	}
	return f.fallback
}
