package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/appconfigd/appconfigd"
)

const deploymentColumns = `d.deployment_number, d.application_id, d.environment_id, d.deployment_strategy_id,
	d.configuration_profile_id, d.configuration_name, d.configuration_location_uri, d.version_number,
	d.version_label, d.description, d.deployment_duration_in_minutes, d.growth_type, d.growth_factor,
	d.final_bake_time_in_minutes, d.kms_key_identifier, d.state, d.percentage_complete, d.started_at,
	d.completed_at, d.time_scale, d.applied_extensions`

// scanDeployment scans a row of deploymentColumns, without the event log.
func scanDeployment(s Row) (*appconfigd.Deployment, int64, error) {
	var (
		d       appconfigd.Deployment
		applied string
	)
	err := s.Scan(&d.DeploymentNumber, &d.ApplicationID, &d.EnvironmentID, &d.DeploymentStrategyID,
		&d.ConfigurationProfileID, &d.ConfigurationName, &d.ConfigurationLocationURI, &d.VersionNumber,
		&d.VersionLabel, &d.Description, &d.DeploymentDurationInMinutes, &d.GrowthType, &d.GrowthFactor,
		&d.FinalBakeTimeInMinutes, &d.KMSKeyIdentifier, &d.State, &d.PercentageComplete, timeColumn(&d.StartedAt),
		timeColumn(&d.CompletedAt), &d.TimeScale, &applied)
	if err != nil {
		return nil, 0, err
	}
	d.AppliedExtensions, err = decodeAppliedExtensions(applied)
	return &d, int64(d.DeploymentNumber), err
}

// CreateDeployment stores d with its event log; EConflict when the
// environment already has a deployment with d's number, ENotFound when the
// environment is missing.
func (t *tx) CreateDeployment(ctx context.Context, d *appconfigd.Deployment) error {
	defer t.touching(d.ApplicationID)()
	const q = `INSERT INTO deployments (application_id, environment_id, deployment_number,
		deployment_strategy_id, configuration_profile_id, configuration_name, configuration_location_uri,
		version_number, version_label, description, deployment_duration_in_minutes, growth_type,
		growth_factor, final_bake_time_in_minutes, kms_key_identifier, state, percentage_complete,
		started_at, completed_at, time_scale, applied_extensions)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`
	applied, err := encodeAppliedExtensions(d.AppliedExtensions)
	if err != nil {
		return err
	}
	err = t.insert(ctx, q, d.ApplicationID, d.EnvironmentID, d.DeploymentNumber,
		d.DeploymentStrategyID, d.ConfigurationProfileID, d.ConfigurationName, d.ConfigurationLocationURI,
		d.VersionNumber, d.VersionLabel, d.Description, d.DeploymentDurationInMinutes, d.GrowthType,
		d.GrowthFactor, d.FinalBakeTimeInMinutes, d.KMSKeyIdentifier, d.State, d.PercentageComplete,
		nanos(d.StartedAt), nanos(d.CompletedAt), d.TimeScale, applied)
	if err != nil {
		return t.createError(err, "create deployment",
			func() error {
				return appconfigd.Errorf(appconfigd.EConflict, "Deployment %d already exists in environment %s of application %s",
					d.DeploymentNumber, d.EnvironmentID, d.ApplicationID)
			},
			func() error { return environmentNotFound(d.ApplicationID, d.EnvironmentID) })
	}
	return t.wrap(t.insertEvents(ctx, d, 0), "create deployment")
}

// insertEvents stores d.EventLog[from:] at positions from, from+1, … in one
// batch (one round trip on PostgreSQL).
func (t *tx) insertEvents(ctx context.Context, d *appconfigd.Deployment, from int) error {
	if from >= len(d.EventLog) {
		return nil
	}
	const q = `INSERT INTO deployment_events (application_id, environment_id, deployment_number, position,
		event_type, triggered_by, description, occurred_at, action_invocations)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
	batch := make([]Statement, 0, len(d.EventLog)-from)
	for i := from; i < len(d.EventLog); i++ {
		e := d.EventLog[i]
		invocations, err := encodeActionInvocations(e.ActionInvocations)
		if err != nil {
			return err
		}
		batch = append(batch, Statement{q, []any{d.ApplicationID, d.EnvironmentID, d.DeploymentNumber, i,
			e.EventType, e.TriggeredBy, e.Description, nanos(e.OccurredAt), invocations}})
	}
	if err := t.execBatch(ctx, batch); err != nil {
		return fmt.Errorf("insert events %d to %d: %w", from, len(d.EventLog)-1, err)
	}
	return nil
}

// attachEvents loads the event logs of ds, oldest first. cond selects the
// events to load; it may refer to the event as ev and its deployment as d,
// and to args as $1, $2, …
func (t *tx) attachEvents(ctx context.Context, ds []*appconfigd.Deployment, cond string, args ...any) error {
	if len(ds) == 0 {
		return nil
	}
	type key struct {
		app, env string
		number   int
	}
	byKey := make(map[key]*appconfigd.Deployment, len(ds))
	for _, d := range ds {
		byKey[key{d.ApplicationID, d.EnvironmentID, d.DeploymentNumber}] = d
	}
	q := `SELECT ev.application_id, ev.environment_id, ev.deployment_number,
		ev.event_type, ev.triggered_by, ev.description, ev.occurred_at, ev.action_invocations
		FROM deployment_events ev JOIN deployments d USING (application_id, environment_id, deployment_number)
		WHERE ` + cond + `
		ORDER BY ev.application_id, ev.environment_id, ev.deployment_number, ev.position`
	type event struct {
		key
		appconfigd.DeploymentEvent
	}
	events, err := queryAll(ctx, t, q, args, func(s Row) (event, int64, error) {
		var (
			e           event
			invocations string
		)
		err := s.Scan(&e.app, &e.env, &e.number, &e.EventType, &e.TriggeredBy, &e.Description, timeColumn(&e.OccurredAt), &invocations)
		if err != nil {
			return e, 0, err
		}
		e.ActionInvocations, err = decodeActionInvocations(invocations)
		return e, 0, err
	})
	if err != nil {
		return fmt.Errorf("load events: %w", err)
	}
	for _, e := range events {
		if d := byKey[e.key]; d != nil {
			d.EventLog = append(d.EventLog, e.DeploymentEvent)
		}
	}
	return nil
}

// FindDeployment returns a deployment with its event log.
func (t *tx) FindDeployment(ctx context.Context, appID, envID string, number int) (*appconfigd.Deployment, error) {
	const q = `SELECT ` + deploymentColumns + ` FROM deployments d
		WHERE d.application_id = $1 AND d.environment_id = $2 AND d.deployment_number = $3`
	d, err := findOne(t, t.queryRow(ctx, q, appID, envID, number), scanDeployment,
		func() error { return deploymentNotFound(appID, envID, number) }, "find deployment")
	if err != nil {
		return nil, err
	}
	return d, t.wrap(t.attachOne(ctx, d), "find deployment")
}

// attachOne loads the event log of d.
func (t *tx) attachOne(ctx context.Context, d *appconfigd.Deployment) error {
	return t.attachEvents(ctx, []*appconfigd.Deployment{d},
		`ev.application_id = $1 AND ev.environment_id = $2 AND ev.deployment_number = $3`,
		d.ApplicationID, d.EnvironmentID, d.DeploymentNumber)
}

// LatestDeployment returns the environment's highest-numbered deployment
// with its event log, or nil and no error when it has none.
func (t *tx) LatestDeployment(ctx context.Context, appID, envID string) (*appconfigd.Deployment, error) {
	const q = `SELECT ` + deploymentColumns + ` FROM deployments d
		WHERE d.application_id = $1 AND d.environment_id = $2
		ORDER BY d.deployment_number DESC LIMIT 1`
	ds, err := queryAll(ctx, t, q, []any{appID, envID}, scanDeployment)
	if err != nil {
		return nil, t.wrap(err, "latest deployment")
	}
	if len(ds) == 0 {
		return nil, nil
	}
	return ds[0], t.wrap(t.attachOne(ctx, ds[0]), "latest deployment")
}

// ListDeployments lists an environment's deployments by descending number,
// with their event logs.
func (t *tx) ListDeployments(ctx context.Context, appID, envID string, page appconfigd.Page) ([]*appconfigd.Deployment, int64, error) {
	const q = `SELECT ` + deploymentColumns + ` FROM deployments d
		WHERE d.application_id = $1 AND d.environment_id = $2 AND d.deployment_number < $3
		ORDER BY d.deployment_number DESC LIMIT $4`
	ds, next, err := queryPage(ctx, t, page, q, []any{appID, envID, before(page.Cursor)}, scanDeployment)
	if err != nil || len(ds) == 0 {
		return ds, next, t.wrap(err, "list deployments")
	}
	// ds is by descending number: the page spans [last, first].
	err = t.attachEvents(ctx, ds,
		`ev.application_id = $1 AND ev.environment_id = $2 AND ev.deployment_number BETWEEN $3 AND $4`,
		appID, envID, ds[len(ds)-1].DeploymentNumber, ds[0].DeploymentNumber)
	if err != nil {
		return nil, 0, t.wrap(err, "list deployments")
	}
	return ds, next, nil
}

// UpdateDeployment saves State, PercentageComplete and CompletedAt, and
// appends the events of d.EventLog beyond those stored. It fails when
// d.EventLog is shorter than the stored log, which is append-only.
func (t *tx) UpdateDeployment(ctx context.Context, d *appconfigd.Deployment) error {
	defer t.touching(d.ApplicationID)()
	const q = `UPDATE deployments SET state = $1, percentage_complete = $2, completed_at = $3
		WHERE application_id = $4 AND environment_id = $5 AND deployment_number = $6`
	err := t.execOne(ctx, func() error { return deploymentNotFound(d.ApplicationID, d.EnvironmentID, d.DeploymentNumber) },
		q, d.State, d.PercentageComplete, nanos(d.CompletedAt), d.ApplicationID, d.EnvironmentID, d.DeploymentNumber)
	if err != nil {
		return t.wrap(err, "update deployment")
	}
	stored, err := t.count(ctx, `SELECT COUNT(*) FROM deployment_events
		WHERE application_id = $1 AND environment_id = $2 AND deployment_number = $3`,
		d.ApplicationID, d.EnvironmentID, d.DeploymentNumber)
	if err != nil {
		return t.wrap(err, "update deployment")
	}
	if len(d.EventLog) < stored {
		return fmt.Errorf("%s: update deployment %d: event log has %d events, %d are stored: the log is append-only",
			t.dialect.Name, d.DeploymentNumber, len(d.EventLog), stored)
	}
	return t.wrap(t.insertEvents(ctx, d, stored), "update deployment")
}

// AddActionInvocations appends invocations to those of one stored event.
func (t *tx) AddActionInvocations(ctx context.Context, appID, envID string, number, position int, invocations []appconfigd.ActionInvocation) error {
	defer t.touching("")()
	const find = `SELECT action_invocations FROM deployment_events
		WHERE application_id = $1 AND environment_id = $2 AND deployment_number = $3 AND position = $4`
	// The deployment is named: its events are not resources of their own.
	notFound := func() error { return deploymentNotFound(appID, envID, number) }
	stored, err := findOne(t, t.queryRow(ctx, find, appID, envID, number, position), func(s Row) (string, int64, error) {
		var v string
		return v, 0, s.Scan(&v)
	}, notFound, "add action invocations")
	if err != nil {
		return err
	}
	all, err := decodeActionInvocations(stored)
	if err != nil {
		return t.wrap(err, "add action invocations")
	}
	encoded, err := encodeActionInvocations(append(all, invocations...))
	if err != nil {
		return err
	}
	const update = `UPDATE deployment_events SET action_invocations = $1
		WHERE application_id = $2 AND environment_id = $3 AND deployment_number = $4 AND position = $5`
	// Event logs are no part of what the other replicas hold in memory,
	// so recording invocations does not make the transaction notify them
	// (as with TryLease).
	wrote := t.wrote
	err = t.execOne(ctx, notFound, update, encoded, appID, envID, number, position)
	t.wrote = wrote
	return t.wrap(err, "add action invocations")
}

// actionInvocationRecord is the JSON form of an ActionInvocation in the
// action_invocations column.
type actionInvocationRecord struct {
	ExtensionIdentifier string `json:"extension_identifier"`
	ActionName          string `json:"action_name"`
	URI                 string `json:"uri"`
	RoleARN             string `json:"role_arn,omitempty"`
	ErrorMessage        string `json:"error_message,omitempty"`
	ErrorCode           string `json:"error_code,omitempty"`
	InvocationID        string `json:"invocation_id"`
}

// encodeActionInvocations returns the JSON column value of an event's
// action invocations.
func encodeActionInvocations(invocations []appconfigd.ActionInvocation) (string, error) {
	records := make([]actionInvocationRecord, len(invocations))
	for i, inv := range invocations {
		records[i] = actionInvocationRecord(inv)
	}
	return encodeJSON("action invocations", records)
}

// decodeActionInvocations parses a column written by
// encodeActionInvocations; none come back as a nil slice.
func decodeActionInvocations(s string) ([]appconfigd.ActionInvocation, error) {
	var records []actionInvocationRecord
	if err := decodeJSON("action invocations", s, &records); err != nil || len(records) == 0 {
		return nil, err
	}
	invocations := make([]appconfigd.ActionInvocation, len(records))
	for i, r := range records {
		invocations[i] = appconfigd.ActionInvocation(r)
	}
	return invocations, nil
}

// activeStates returns the condition that the deployment d is in a state
// that is Active, and its arguments.
func activeStates() (cond string, args []any) {
	all := []appconfigd.DeploymentState{
		appconfigd.DeploymentValidating, appconfigd.DeploymentDeploying, appconfigd.DeploymentBaking,
		appconfigd.DeploymentComplete, appconfigd.DeploymentRollingBack, appconfigd.DeploymentRolledBack,
		appconfigd.DeploymentReverted,
	}
	var (
		a            Args
		placeholders []string
	)
	for _, s := range all {
		if s.Active() {
			placeholders = append(placeholders, a.Add(string(s)))
		}
	}
	return `d.state IN (` + strings.Join(placeholders, ", ") + `)`, a
}

// ListActiveDeployments returns every deployment whose state is Active,
// with event logs, ordered by application, environment and number.
func (t *tx) ListActiveDeployments(ctx context.Context) ([]*appconfigd.Deployment, error) {
	active, args := activeStates()
	q := `SELECT ` + deploymentColumns + ` FROM deployments d WHERE ` + active + `
		ORDER BY d.application_id, d.environment_id, d.deployment_number`
	ds, err := queryAll(ctx, t, q, args, scanDeployment)
	if err != nil {
		return nil, t.wrap(err, "list active deployments")
	}
	if err := t.attachEvents(ctx, ds, active, args...); err != nil {
		return nil, t.wrap(err, "list active deployments")
	}
	return ds, nil
}

// ListServingDeployments returns every deployment without event logs,
// ordered by application ID, environment ID (in byte order) and ascending
// number.
func (t *tx) ListServingDeployments(ctx context.Context) ([]*appconfigd.Deployment, error) {
	const q = `SELECT ` + deploymentColumns + ` FROM deployments d
		ORDER BY d.application_id, d.environment_id, d.deployment_number`
	ds, err := queryAll(ctx, t, q, nil, scanDeployment)
	return ds, t.wrap(err, "list serving deployments")
}

// CountProfileDeployments counts the deployments of a profile in any
// environment.
func (t *tx) CountProfileDeployments(ctx context.Context, appID, profileID string) (int, error) {
	const q = `SELECT COUNT(*) FROM deployments WHERE application_id = $1 AND configuration_profile_id = $2`
	n, err := t.count(ctx, q, appID, profileID)
	return n, t.wrap(err, "count profile deployments")
}
