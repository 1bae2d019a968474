package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/appconfigd/appconfigd"
)

// actionRecord, parameterRecord and appliedExtensionRecord are the stored
// JSON forms of the domain values, kept apart so renaming a Go field
// cannot change the schema.
type actionRecord struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	URI         string `json:"uri"`
	RoleARN     string `json:"roleArn"`
}

type parameterRecord struct {
	Description string `json:"description"`
	Required    bool   `json:"required"`
	Dynamic     bool   `json:"dynamic"`
}

type appliedExtensionRecord struct {
	ExtensionID            string            `json:"extensionId"`
	ExtensionAssociationID string            `json:"extensionAssociationId"`
	VersionNumber          int               `json:"versionNumber"`
	Parameters             map[string]string `json:"parameters"`
}

// encodeJSON returns the JSON column value of v.
func encodeJSON(what string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", what, err)
	}
	return string(b), nil
}

// decodeJSON parses a column written by encodeJSON into v.
func decodeJSON(what, s string, v any) error {
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode %s: %w", what, err)
	}
	return nil
}

// encodeActions returns the JSON column value of an extension's actions.
func encodeActions(actions map[appconfigd.ActionPoint][]appconfigd.ExtensionAction) (string, error) {
	records := make(map[appconfigd.ActionPoint][]actionRecord, len(actions))
	for point, list := range actions {
		for _, a := range list {
			records[point] = append(records[point], actionRecord(a))
		}
	}
	return encodeJSON("actions", records)
}

// decodeActions parses a column written by encodeActions.
func decodeActions(s string) (map[appconfigd.ActionPoint][]appconfigd.ExtensionAction, error) {
	var records map[appconfigd.ActionPoint][]actionRecord
	if err := decodeJSON("actions", s, &records); err != nil {
		return nil, err
	}
	actions := make(map[appconfigd.ActionPoint][]appconfigd.ExtensionAction, len(records))
	for point, list := range records {
		for _, r := range list {
			actions[point] = append(actions[point], appconfigd.ExtensionAction(r))
		}
	}
	return actions, nil
}

// encodeParameters returns the JSON column value of an extension's
// parameter declarations.
func encodeParameters(params map[string]appconfigd.ExtensionParameter) (string, error) {
	records := make(map[string]parameterRecord, len(params))
	for name, p := range params {
		records[name] = parameterRecord(p)
	}
	return encodeJSON("parameters", records)
}

// decodeParameters parses a column written by encodeParameters; no
// parameters come back as a nil map.
func decodeParameters(s string) (map[string]appconfigd.ExtensionParameter, error) {
	var records map[string]parameterRecord
	if err := decodeJSON("parameters", s, &records); err != nil || len(records) == 0 {
		return nil, err
	}
	params := make(map[string]appconfigd.ExtensionParameter, len(records))
	for name, r := range records {
		params[name] = appconfigd.ExtensionParameter(r)
	}
	return params, nil
}

// encodeAppliedExtensions returns the JSON column value of a deployment's
// applied extensions.
func encodeAppliedExtensions(applied []appconfigd.AppliedExtension) (string, error) {
	records := make([]appliedExtensionRecord, len(applied))
	for i, a := range applied {
		records[i] = appliedExtensionRecord(a)
	}
	return encodeJSON("applied extensions", records)
}

// decodeAppliedExtensions parses a column written by
// encodeAppliedExtensions; none come back as a nil slice.
func decodeAppliedExtensions(s string) ([]appconfigd.AppliedExtension, error) {
	var records []appliedExtensionRecord
	if err := decodeJSON("applied extensions", s, &records); err != nil || len(records) == 0 {
		return nil, err
	}
	applied := make([]appconfigd.AppliedExtension, len(records))
	for i, r := range records {
		applied[i] = appconfigd.AppliedExtension(r)
	}
	return applied, nil
}

const extensionColumns = `x.seq, x.id, x.version_number, x.name, x.description, x.actions, x.parameters, x.created_at`

// latestVersion is the condition that the row x is its extension's latest
// version.
const latestVersion = `x.version_number = (SELECT MAX(v.version_number) FROM extensions v WHERE v.id = x.id)`

// scanExtension scans a row of extensionColumns.
func scanExtension(s Row) (*appconfigd.Extension, int64, error) {
	var (
		e                   appconfigd.Extension
		seq                 int64
		actions, parameters string
	)
	if err := s.Scan(&seq, &e.ID, &e.VersionNumber, &e.Name, &e.Description, &actions, &parameters, timeColumn(&e.CreatedAt)); err != nil {
		return nil, 0, err
	}
	var err error
	if e.Actions, err = decodeActions(actions); err != nil {
		return nil, 0, err
	}
	if e.Parameters, err = decodeParameters(parameters); err != nil {
		return nil, 0, err
	}
	return &e, seq, nil
}

// extensionNotFound is the error for a missing extension or version of
// one; version 0 means the latest.
func extensionNotFound(id string, version int) *appconfigd.Error {
	if version == 0 {
		return notFound(appconfigd.ResourceExtension, id, "Extension %s not found", id)
	}
	return notFound(appconfigd.ResourceExtension, id, "Extension %s version %d not found", id, version)
}

// encodeExtension returns the column values of e's actions and
// parameters.
func encodeExtension(e *appconfigd.Extension) (actions, parameters string, err error) {
	if actions, err = encodeActions(e.Actions); err != nil {
		return "", "", err
	}
	parameters, err = encodeParameters(e.Parameters)
	return actions, parameters, err
}

// CreateExtension stores one version of an extension; EConflict when the
// extension already has that version.
func (t *tx) CreateExtension(ctx context.Context, e *appconfigd.Extension) error {
	defer t.touching("")()
	actions, parameters, err := encodeExtension(e)
	if err != nil {
		return err
	}
	const q = `INSERT INTO extensions (id, version_number, name, description, actions, parameters, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
	if err := t.insert(ctx, q, e.ID, e.VersionNumber, e.Name, e.Description, actions, parameters, nanos(e.CreatedAt)); err != nil {
		return t.createError(err, "create extension", func() error {
			return appconfigd.Errorf(appconfigd.EConflict, "Extension %s version %d already exists", e.ID, e.VersionNumber)
		}, nil)
	}
	return nil
}

// FindExtension returns one version of an extension, the latest for
// version 0.
func (t *tx) FindExtension(ctx context.Context, id string, version int) (*appconfigd.Extension, error) {
	q := `SELECT ` + extensionColumns + ` FROM extensions x WHERE x.id = $1 AND x.version_number = $2`
	args := []any{id, version}
	if version == 0 {
		q = `SELECT ` + extensionColumns + ` FROM extensions x WHERE x.id = $1 AND ` + latestVersion
		args = args[:1]
	}
	return findOne(t, t.queryRow(ctx, q, args...), scanExtension,
		func() error { return extensionNotFound(id, version) }, "find extension")
}

// FindExtensionsByName returns the latest version of each extension named
// name, in creation order.
func (t *tx) FindExtensionsByName(ctx context.Context, name string) ([]*appconfigd.Extension, error) {
	const q = `SELECT ` + extensionColumns + ` FROM extensions x WHERE x.name = $1 AND ` + latestVersion + ` ORDER BY x.seq`
	es, err := queryAll(ctx, t, q, []any{name}, scanExtension)
	return es, t.wrap(err, "find extensions by name")
}

// ListExtensions lists the latest version of every extension, keeping
// those named name when it is set, in the order the extensions were
// created: by the first version's row.
func (t *tx) ListExtensions(ctx context.Context, name string) ([]*appconfigd.Extension, error) {
	const q = `SELECT ` + extensionColumns + ` FROM extensions x
		WHERE (CAST($1 AS TEXT) = '' OR x.name = CAST($1 AS TEXT)) AND ` + latestVersion + `
		ORDER BY (SELECT MIN(v.seq) FROM extensions v WHERE v.id = x.id)`
	es, err := queryAll(ctx, t, q, []any{name}, scanExtension)
	return es, t.wrap(err, "list extensions")
}

// UpdateExtension saves Description, Actions and Parameters of one version.
func (t *tx) UpdateExtension(ctx context.Context, e *appconfigd.Extension) error {
	defer t.touching("")()
	actions, parameters, err := encodeExtension(e)
	if err != nil {
		return err
	}
	const q = `UPDATE extensions SET description = $1, actions = $2, parameters = $3 WHERE id = $4 AND version_number = $5`
	err = t.execOne(ctx, func() error { return extensionNotFound(e.ID, e.VersionNumber) },
		q, e.Description, actions, parameters, e.ID, e.VersionNumber)
	return t.wrap(err, "update extension")
}

// DeleteExtension deletes one version of an extension.
func (t *tx) DeleteExtension(ctx context.Context, id string, version int) error {
	defer t.touching("")()
	err := t.execOne(ctx, func() error { return extensionNotFound(id, version) },
		`DELETE FROM extensions WHERE id = $1 AND version_number = $2`, id, version)
	return t.wrap(err, "delete extension")
}
