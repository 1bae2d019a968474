package gitops

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// printer words the schema's complaints.
var printer = message.NewPrinter(language.English)

// schemaJSON is the JSON Schema of manifests, the one docs/GITOPS.md
// publishes for editors.
//
//go:embed schema/manifest.schema.json
var schemaJSON []byte

// schemaURL names the schema; its $id.
const schemaURL = "https://appconfigd.dev/schema/gitops/v1/manifest.schema.json"

// SchemaJSON returns the JSON Schema every manifest of this APIVersion
// satisfies (docs/GITOPS.md, "Editors").
func SchemaJSON() []byte { return bytes.Clone(schemaJSON) }

var (
	compileOnce sync.Once
	compiled    *jsonschema.Schema
	compileErr  error
)

// manifestSchema returns the compiled schema.
func manifestSchema() (*jsonschema.Schema, error) {
	compileOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
		if err != nil {
			compileErr = err
			return
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource(schemaURL, doc); err != nil {
			compileErr = err
			return
		}
		compiled, compileErr = c.Compile(schemaURL)
	})
	return compiled, compileErr
}

// CheckManifest reports whether doc, a manifest decoded into maps, slices,
// strings, numbers and booleans, satisfies the schema, naming the first
// field that does not.
func CheckManifest(doc any) error {
	sch, err := manifestSchema()
	if err != nil {
		return fmt.Errorf("manifest schema: %w", err)
	}
	err = sch.Validate(doc)
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		return fmt.Errorf("%s", firstCause(ve))
	}
	return err
}

// firstCause describes the innermost failure of a validation error:
// where in the manifest it is and what is wrong, rather than the whole
// tree of the schema's alternatives.
func firstCause(ve *jsonschema.ValidationError) string {
	for len(ve.Causes) > 0 {
		ve = ve.Causes[0]
	}
	at := "/"
	if len(ve.InstanceLocation) > 0 {
		at = ""
		for _, p := range ve.InstanceLocation {
			at += "/" + p
		}
	}
	return fmt.Sprintf("at %s: %s", at, ve.ErrorKind.LocalizedString(printer))
}
