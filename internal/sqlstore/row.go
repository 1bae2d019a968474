// Row codecs: how domain values become column values and back, so that
// both dialects store the same bytes, and the ENotFound errors both report.

package sqlstore

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/appconfigd/appconfigd"
)

// nanos returns t as a column value: nanoseconds since the Unix epoch, or
// NULL for the zero time. PostgreSQL's timestamptz keeps only microseconds,
// and the store contract requires nanoseconds.
func nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// timeCol scans a column written by nanos, in UTC.
type timeCol struct{ t *time.Time }

// timeColumn returns a scan destination that stores a time column into p.
func timeColumn(p *time.Time) timeCol { return timeCol{t: p} }

// Scan implements sql.Scanner, which database/sql and pgx call with an
// int64 or nil.
func (c timeCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.t = time.Time{}
	case int64:
		*c.t = time.Unix(0, v).UTC()
	default:
		return fmt.Errorf("time column holds %T, want an integer", v)
	}
	return nil
}

// validatorRecord and monitorRecord are the stored JSON forms of the domain
// values, kept apart so renaming a Go field cannot change the schema.
type validatorRecord struct {
	Type    appconfigd.ValidatorType `json:"type"`
	Content string                   `json:"content"`
}

type monitorRecord struct {
	AlarmARN     string `json:"alarmArn"`
	AlarmRoleARN string `json:"alarmRoleArn"`
}

// encodeValidators returns the JSON column value of vs; nil stays null.
func encodeValidators(vs []appconfigd.Validator) (string, error) {
	return encode("validators", vs, func(v appconfigd.Validator) validatorRecord { return validatorRecord(v) })
}

// decodeValidators parses a column written by encodeValidators.
func decodeValidators(s string) ([]appconfigd.Validator, error) {
	return decode("validators", s, func(r validatorRecord) appconfigd.Validator { return appconfigd.Validator(r) })
}

// encodeMonitors returns the JSON column value of ms; nil stays null.
func encodeMonitors(ms []appconfigd.Monitor) (string, error) {
	return encode("monitors", ms, func(m appconfigd.Monitor) monitorRecord { return monitorRecord(m) })
}

// decodeMonitors parses a column written by encodeMonitors.
func decodeMonitors(s string) ([]appconfigd.Monitor, error) {
	return decode("monitors", s, func(r monitorRecord) appconfigd.Monitor { return appconfigd.Monitor(r) })
}

func encode[V, R any](what string, vs []V, toRecord func(V) R) (string, error) {
	var records []R
	if vs != nil {
		records = make([]R, len(vs))
		for i, v := range vs {
			records[i] = toRecord(v)
		}
	}
	b, err := json.Marshal(records)
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", what, err)
	}
	return string(b), nil
}

func decode[V, R any](what, s string, fromRecord func(R) V) ([]V, error) {
	var records []R
	if err := json.Unmarshal([]byte(s), &records); err != nil {
		return nil, fmt.Errorf("decode %s: %w", what, err)
	}
	if records == nil {
		return nil, nil
	}
	vs := make([]V, len(records))
	for i, r := range records {
		vs[i] = fromRecord(r)
	}
	return vs, nil
}

func notFound(rt appconfigd.ResourceType, name, format string, args ...any) *appconfigd.Error {
	return &appconfigd.Error{Code: appconfigd.ENotFound, Message: fmt.Sprintf(format, args...), ResourceType: rt, ResourceName: name}
}

// applicationNotFound is the error for a missing application.
func applicationNotFound(id string) *appconfigd.Error {
	return notFound(appconfigd.ResourceApplication, id, "Application %s not found", id)
}

// environmentNotFound is the error for a missing environment.
func environmentNotFound(appID, id string) *appconfigd.Error {
	return notFound(appconfigd.ResourceEnvironment, id, "Environment %s not found in application %s", id, appID)
}

// profileNotFound is the error for a missing configuration profile.
func profileNotFound(appID, id string) *appconfigd.Error {
	return notFound(appconfigd.ResourceConfigurationProfile, id,
		"ConfigurationProfile %s not found in application %s", id, appID)
}

// versionNotFound is the error for a missing hosted configuration version,
// named by number or label.
func versionNotFound(appID, profileID, version string) *appconfigd.Error {
	return notFound(appconfigd.ResourceHostedConfigurationVersion, version,
		"HostedConfigurationVersion %s not found for configuration profile %s in application %s", version, profileID, appID)
}

// strategyNotFound is the error for a missing deployment strategy.
func strategyNotFound(id string) *appconfigd.Error {
	return notFound(appconfigd.ResourceDeploymentStrategy, id, "DeploymentStrategy %s not found", id)
}

// deploymentNotFound is the error for a missing deployment.
func deploymentNotFound(appID, envID string, number int) *appconfigd.Error {
	return notFound(appconfigd.ResourceDeployment, strconv.Itoa(number),
		"Deployment %d not found in environment %s of application %s", number, envID, appID)
}

// sealingKeyNotFound is the error for a missing token sealing key.
func sealingKeyNotFound(id uint32) *appconfigd.Error {
	return notFound(appconfigd.ResourceSealingKey, strconv.FormatUint(uint64(id), 10), "SealingKey %d not found", id)
}
