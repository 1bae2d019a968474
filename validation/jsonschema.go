package validation

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/outbound"
)

const (
	// schemaURL is the made-up address a validator's schema is compiled
	// under. Relative references resolve against it, and the .invalid
	// top-level domain (RFC 2606) guarantees it names nothing real; it is
	// cut out of the library's messages, leaving "#/…" fragments.
	schemaURL = "https://appconfigd.invalid/schema.json"

	// maxCachedSchemas bounds the compiled-schema cache. A profile has at
	// most two validators, so this covers 128 busy profiles; beyond it the
	// cache starts over, which only costs a recompile.
	maxCachedSchemas = 256

	// maxDetails bounds the InvalidConfiguration details of one failure
	// and maxMessageErrors the errors spelled out in its message: a 1 MB
	// configuration can fail thousands of times, and the response must
	// stay readable.
	maxDetails       = 100
	maxMessageErrors = 5

	// maxValueLength bounds a detail's Value (compact JSON).
	maxValueLength = 256
)

// printer renders the library's error kinds; its messages are English.
var printer = message.NewPrinter(language.English)

// schemaCache holds compiled schemas by the SHA-256 of their text, so the
// schema of a profile compiles once, not at every deployment. A compiled
// *jsonschema.Schema is read-only, so goroutines share it freely.
type schemaCache struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte]*jsonschema.Schema
}

// compile returns the compiled schema for content, compiling and caching it
// on first use. Compile errors are not cached: Check keeps bad schemas out
// of the store, so they are rare.
func (c *schemaCache) compile(content string) (*jsonschema.Schema, error) {
	key := sha256.Sum256([]byte(content))
	c.mu.Lock()
	sch, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return sch, nil
	}
	// Compile outside the lock: two goroutines may compile the same schema
	// at once, which wastes a little work but never blocks the others.
	sch, err := compileSchema(content)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedSchemas {
		c.m = make(map[[sha256.Size]byte]*jsonschema.Schema)
	}
	c.m[key] = sch
	c.mu.Unlock()
	return sch, nil
}

// refusingLoader is the compiler's only way to fetch a document that the
// schema refers to, and it refuses every one: a validator must not make the
// server read its file system or reach the network. The library serves the
// draft meta-schemas itself, so "$schema" needs no loading.
type refusingLoader struct {
	refused []string
}

// errNotLoaded is what refusingLoader answers.
var errNotLoaded = errors.New("appconfigd does not load schemas from outside the validator")

// Load implements jsonschema.URLLoader by refusing and noting the URL.
func (l *refusingLoader) Load(url string) (any, error) {
	l.refused = append(l.refused, url)
	return nil, errNotLoaded
}

// compileSchema compiles one validator's schema. Schemas without "$schema"
// are draft-04, the version AWS documents for inline schemas; "$schema"
// selects draft-04, -06, -07, 2019-09 or 2020-12.
func compileSchema(content string) (sch *jsonschema.Schema, err error) {
	// The schema is user input: a library bug it triggers must fail this
	// schema, not the deployment engine's goroutine.
	defer func() {
		if p := recover(); p != nil {
			sch, err = nil, fmt.Errorf("the schema could not be compiled (%v)", p)
		}
	}()
	doc, err := parseJSON([]byte(content))
	if err != nil {
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	// Compiling is superlinear in nesting: a hostile 18 KB schema nested
	// 1,500 deep takes seconds. Real schemas are a few levels deep.
	if d := jsonDepth(content); d > maxSchemaDepth {
		return nil, fmt.Errorf("it is nested %d levels deep; appconfigd accepts schemas nested at most %d deep", d, maxSchemaDepth)
	}
	loader := &refusingLoader{}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.UseLoader(loader)
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, errors.New(cleanSchemaMessage(err.Error()))
	}
	sch, err = c.Compile(schemaURL)
	if err == nil {
		return sch, nil
	}
	if len(loader.refused) > 0 {
		// The library's own message names the refusal deep in a chain;
		// say plainly what was refused and what to do instead.
		if meta, ok := metaSchema(doc); ok && meta == loader.refused[0] {
			return nil, fmt.Errorf("$schema %q is not a supported draft (use draft-04, draft-06, draft-07, 2019-09 or 2020-12, or leave $schema out for draft-04); appconfigd never loads meta-schemas from the network", meta)
		}
		return nil, fmt.Errorf("it refers to %q, which is outside the schema; appconfigd never loads $ref or $schema documents from the network or the file system, so define shared parts under \"definitions\" and refer to them as \"#/definitions/…\"", loader.refused[0])
	}
	var sve *jsonschema.SchemaValidationError
	if errors.As(err, &sve) {
		// The schema breaks its meta-schema: list where, as in the
		// messages for configurations.
		var verr *jsonschema.ValidationError
		if errors.As(sve.Err, &verr) {
			details := failures(verr, doc)
			return nil, errors.New(summarize(details))
		}
	}
	return nil, errors.New(cleanSchemaMessage(err.Error()))
}

// metaSchema returns the "$schema" of a schema document without its
// fragment, the form in which the loader is asked for it.
func metaSchema(doc any) (string, bool) {
	obj, ok := doc.(map[string]any)
	if !ok {
		return "", false
	}
	s, ok := obj["$schema"].(string)
	if !ok {
		return "", false
	}
	s, _, _ = strings.Cut(s, "#")
	return s, true
}

// cleanSchemaMessage removes the made-up schema address from a library
// message, so "…/schema.json#/properties/a" reads "#/properties/a".
func cleanSchemaMessage(s string) string {
	return outbound.OneLine(strings.ReplaceAll(s, schemaURL, ""))
}

// validateJSONSchema validates configuration content against validator i's
// schema.
func (r *Runner) validateJSONSchema(i int, schema string, content []byte) error {
	sch, err := r.schemas.compile(schema)
	if err != nil {
		// Check keeps such schemas out, but a profile stored before the
		// schema checks existed, or one a newer library version rejects, can
		// still hold one.
		return appconfigd.Errorf(appconfigd.EBadRequest, "Validators[%d].Content is not a valid JSON Schema: %v", i, err)
	}
	inst, err := parseJSON(content)
	if err != nil {
		reason := "configuration is not valid JSON: " + err.Error()
		return &appconfigd.Error{
			Code:    appconfigd.EBadRequest,
			Message: fmt.Sprintf("Configuration failed JSON Schema validation of Validators[%d]: %s", i, reason),
			InvalidConfiguration: []appconfigd.InvalidConfigurationDetail{{
				Reason: reason,
				Type:   string(appconfigd.ValidatorJSONSchema),
			}},
		}
	}
	err = safeValidate(sch, inst)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return appconfigd.Errorf(appconfigd.EBadRequest, "Configuration failed JSON Schema validation of Validators[%d]: %s", i, cleanSchemaMessage(err.Error()))
	}
	details := failures(verr, inst)
	all := len(details)
	if len(details) > maxDetails {
		details = details[:maxDetails]
	}
	return &appconfigd.Error{
		Code:                 appconfigd.EBadRequest,
		Message:              fmt.Sprintf("Configuration failed JSON Schema validation of Validators[%d]: %s", i, summarizeN(details, all)),
		InvalidConfiguration: details,
	}
}

// safeValidate validates inst against sch, turning a panic in the library
// into an error, as compileSchema does.
func safeValidate(sch *jsonschema.Schema, inst any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the schema could not be applied (%v)", p)
		}
	}()
	return sch.Validate(inst)
}

// parseJSON decodes a configuration the way the schema library expects:
// numbers stay json.Number, so large integers keep their precision.
func parseJSON(content []byte) (any, error) {
	// Check the syntax first: encoding/json's syntax check reports the
	// byte offset of the problem, which the streaming decoder does not.
	var raw json.RawMessage
	if err := json.Unmarshal(content, &raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%v (at byte %d)", se, se.Offset)
		}
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(content))
}

// failures flattens a validation error into one detail per leaf error, the
// errors that say what is wrong rather than which combinator failed. The
// library collects errors from Go maps, so the details are sorted to make
// the same failure read the same every time.
func failures(verr *jsonschema.ValidationError, inst any) []appconfigd.InvalidConfigurationDetail {
	var leaves []*jsonschema.ValidationError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			leaves = append(leaves, e)
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(verr)
	details := make([]appconfigd.InvalidConfigurationDetail, 0, len(leaves))
	for _, e := range leaves {
		details = append(details, appconfigd.InvalidConfigurationDetail{
			Constraint: constraint(e.ErrorKind),
			Location:   pointer(e.InstanceLocation),
			Reason:     e.ErrorKind.LocalizedString(printer),
			Type:       string(appconfigd.ValidatorJSONSchema),
			Value:      valueAt(inst, e.InstanceLocation),
		})
	}
	slices.SortStableFunc(details, func(a, b appconfigd.InvalidConfigurationDetail) int {
		if c := strings.Compare(a.Location, b.Location); c != 0 {
			return c
		}
		if c := strings.Compare(a.Constraint, b.Constraint); c != 0 {
			return c
		}
		return strings.Compare(a.Reason, b.Reason)
	})
	return details
}

// constraint names the schema keyword an error kind reports on.
func constraint(k jsonschema.ErrorKind) string {
	switch k.(type) {
	case *kind.FalseSchema:
		return "false"
	case *kind.Not:
		return "not"
	case *kind.RefCycle:
		return "$ref"
	case *kind.InvalidJsonValue:
		return "type"
	case *kind.Dependency:
		// The library says "dependency"; draft-04's keyword is
		// "dependencies".
		return "dependencies"
	}
	if p := k.KeywordPath(); len(p) > 0 {
		return p[0]
	}
	return ""
}

// pointer renders instance tokens as a JSON pointer (RFC 6901): "" is the
// whole document, "/a/0" the first element of member a.
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		b.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return b.String()
}

// valueAt returns the instance value at tokens as compact JSON, truncated
// to maxValueLength bytes, or "" if the path does not resolve.
func valueAt(inst any, tokens []string) string {
	v := inst
	for _, t := range tokens {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[t]
			if !ok {
				return ""
			}
			v = next
		case []any:
			n, err := strconv.Atoi(t)
			if err != nil || n < 0 || n >= len(x) {
				return ""
			}
			v = x[n]
		default:
			return ""
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	// The value goes back to the person who wrote it; keep < > & as typed.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return outbound.Truncate(strings.TrimSuffix(b.String(), "\n"), maxValueLength)
}

// summarize joins the first few details into one readable line.
func summarize(details []appconfigd.InvalidConfigurationDetail) string {
	return summarizeN(details, len(details))
}

// summarizeN is summarize when details holds only the first of all errors.
func summarizeN(details []appconfigd.InvalidConfigurationDetail, all int) string {
	parts := make([]string, 0, maxMessageErrors)
	for _, d := range details {
		if len(parts) == maxMessageErrors {
			break
		}
		loc := d.Location
		if loc == "" {
			loc = "(root)"
		}
		parts = append(parts, loc+": "+outbound.OneLine(d.Reason))
	}
	s := strings.Join(parts, "; ")
	if more := all - len(parts); more > 0 {
		s += fmt.Sprintf(" (and %d more)", more)
	}
	return s
}

// maxSchemaDepth bounds how deeply objects and arrays of a JSON Schema may
// nest.
const maxSchemaDepth = 64

// jsonDepth returns how deeply objects and arrays nest in the JSON text s,
// which is valid JSON.
func jsonDepth(s string) int {
	depth, deepest, inString, escaped := 0, 0, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}
