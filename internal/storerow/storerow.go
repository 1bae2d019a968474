// Package storerow holds what the SQLite and PostgreSQL stores share below
// SQL: how domain values become column values and back, and the ENotFound
// errors both report, so that the two dialects store the same bytes and say
// the same things.
package storerow

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/appconfigd/appconfigd"
)

// Nanos returns t as a column value: nanoseconds since the Unix epoch, or
// NULL for the zero time. PostgreSQL's timestamptz keeps only microseconds,
// and the store contract requires nanoseconds.
func Nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// TimeColumn scans a column written by Nanos, in UTC.
type TimeColumn struct{ t *time.Time }

// Time returns a scan destination that stores a time column into p.
func Time(p *time.Time) TimeColumn { return TimeColumn{t: p} }

// Scan implements sql.Scanner, which database/sql and pgx call with an
// int64 or nil.
func (c TimeColumn) Scan(v any) error {
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

// EncodeValidators returns the JSON column value of vs; nil stays null.
func EncodeValidators(vs []appconfigd.Validator) (string, error) {
	return encode("validators", vs, func(v appconfigd.Validator) validatorRecord { return validatorRecord(v) })
}

// DecodeValidators parses a column written by EncodeValidators.
func DecodeValidators(s string) ([]appconfigd.Validator, error) {
	return decode("validators", s, func(r validatorRecord) appconfigd.Validator { return appconfigd.Validator(r) })
}

// EncodeMonitors returns the JSON column value of ms; nil stays null.
func EncodeMonitors(ms []appconfigd.Monitor) (string, error) {
	return encode("monitors", ms, func(m appconfigd.Monitor) monitorRecord { return monitorRecord(m) })
}

// DecodeMonitors parses a column written by EncodeMonitors.
func DecodeMonitors(s string) ([]appconfigd.Monitor, error) {
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

// ApplicationNotFound is the error for a missing application.
func ApplicationNotFound(id string) *appconfigd.Error {
	return notFound(appconfigd.ResourceApplication, id, "Application %s not found", id)
}

// EnvironmentNotFound is the error for a missing environment.
func EnvironmentNotFound(appID, id string) *appconfigd.Error {
	return notFound(appconfigd.ResourceEnvironment, id, "Environment %s not found in application %s", id, appID)
}

// ProfileNotFound is the error for a missing configuration profile.
func ProfileNotFound(appID, id string) *appconfigd.Error {
	return notFound(appconfigd.ResourceConfigurationProfile, id,
		"ConfigurationProfile %s not found in application %s", id, appID)
}

// VersionNotFound is the error for a missing hosted configuration version,
// named by number or label.
func VersionNotFound(appID, profileID, version string) *appconfigd.Error {
	return notFound(appconfigd.ResourceHostedConfigurationVersion, version,
		"HostedConfigurationVersion %s not found for configuration profile %s in application %s", version, profileID, appID)
}

// StrategyNotFound is the error for a missing deployment strategy.
func StrategyNotFound(id string) *appconfigd.Error {
	return notFound(appconfigd.ResourceDeploymentStrategy, id, "DeploymentStrategy %s not found", id)
}

// DeploymentNotFound is the error for a missing deployment.
func DeploymentNotFound(appID, envID string, number int) *appconfigd.Error {
	return notFound(appconfigd.ResourceDeployment, strconv.Itoa(number),
		"Deployment %d not found in environment %s of application %s", number, envID, appID)
}

// SealingKeyNotFound is the error for a missing token sealing key.
func SealingKeyNotFound(id uint32) *appconfigd.Error {
	return notFound(appconfigd.ResourceSealingKey, strconv.FormatUint(uint64(id), 10), "SealingKey %d not found", id)
}
