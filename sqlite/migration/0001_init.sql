-- 0001_init: the initial schema.
--
-- Every time is an INTEGER of nanoseconds since the Unix epoch (UTC), or
-- NULL for the zero time.
-- Every listing in creation order pages by an AUTOINCREMENT seq, which is
-- never reused, so a cursor stays valid across deletes.

CREATE TABLE applications (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	id          TEXT    NOT NULL UNIQUE,
	name        TEXT    NOT NULL,
	description TEXT    NOT NULL,
	created_at  INTEGER
);
CREATE INDEX applications_name ON applications (name);

CREATE TABLE environments (
	seq            INTEGER PRIMARY KEY AUTOINCREMENT,
	application_id TEXT    NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
	id             TEXT    NOT NULL,
	name           TEXT    NOT NULL,
	description    TEXT    NOT NULL,
	monitors       TEXT    NOT NULL, -- JSON array of {alarmArn, alarmRoleArn}, or null
	created_at     INTEGER,
	UNIQUE (application_id, id)
);
CREATE INDEX environments_name ON environments (application_id, name);

CREATE TABLE configuration_profiles (
	seq                INTEGER PRIMARY KEY AUTOINCREMENT,
	application_id     TEXT    NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
	id                 TEXT    NOT NULL,
	name               TEXT    NOT NULL,
	description        TEXT    NOT NULL,
	location_uri       TEXT    NOT NULL,
	retrieval_role_arn TEXT    NOT NULL,
	type               TEXT    NOT NULL,
	kms_key_identifier TEXT    NOT NULL,
	validators         TEXT    NOT NULL, -- JSON array of {type, content}, or null
	created_at         INTEGER,
	-- latest_version_number is the highest hosted configuration version
	-- number ever created for the profile, so numbers are never reused
	-- after a delete.
	latest_version_number INTEGER NOT NULL DEFAULT 0,
	UNIQUE (application_id, id)
);
CREATE INDEX configuration_profiles_name ON configuration_profiles (application_id, name);

CREATE TABLE hosted_configuration_versions (
	application_id           TEXT    NOT NULL,
	configuration_profile_id TEXT    NOT NULL,
	version_number           INTEGER NOT NULL,
	description              TEXT    NOT NULL,
	content_type             TEXT    NOT NULL,
	version_label            TEXT    NOT NULL,
	content                  BLOB    NOT NULL,
	created_at               INTEGER,
	PRIMARY KEY (application_id, configuration_profile_id, version_number),
	FOREIGN KEY (application_id, configuration_profile_id)
		REFERENCES configuration_profiles (application_id, id) ON DELETE CASCADE
);
CREATE INDEX hosted_configuration_versions_label
	ON hosted_configuration_versions (application_id, configuration_profile_id, version_label, version_number);

CREATE TABLE deployment_strategies (
	seq                            INTEGER PRIMARY KEY AUTOINCREMENT,
	id                             TEXT    NOT NULL UNIQUE,
	name                           TEXT    NOT NULL,
	description                    TEXT    NOT NULL,
	deployment_duration_in_minutes INTEGER NOT NULL,
	growth_type                    TEXT    NOT NULL,
	growth_factor                  REAL    NOT NULL,
	final_bake_time_in_minutes     INTEGER NOT NULL,
	replicate_to                   TEXT    NOT NULL,
	predefined                     INTEGER NOT NULL,
	created_at                     INTEGER
);
CREATE INDEX deployment_strategies_name ON deployment_strategies (name);

-- Deployments keep the strategy's numbers and the profile's name, so they
-- reference neither: both may be deleted while the history stays.
CREATE TABLE deployments (
	application_id                 TEXT    NOT NULL,
	environment_id                 TEXT    NOT NULL,
	deployment_number              INTEGER NOT NULL,
	deployment_strategy_id         TEXT    NOT NULL,
	configuration_profile_id       TEXT    NOT NULL,
	configuration_name             TEXT    NOT NULL,
	configuration_location_uri     TEXT    NOT NULL,
	version_number                 INTEGER NOT NULL,
	version_label                  TEXT    NOT NULL,
	description                    TEXT    NOT NULL,
	deployment_duration_in_minutes INTEGER NOT NULL,
	growth_type                    TEXT    NOT NULL,
	growth_factor                  REAL    NOT NULL,
	final_bake_time_in_minutes     INTEGER NOT NULL,
	kms_key_identifier             TEXT    NOT NULL,
	state                          TEXT    NOT NULL,
	percentage_complete            REAL    NOT NULL,
	started_at                     INTEGER,
	completed_at                   INTEGER,
	time_scale                     REAL    NOT NULL,
	PRIMARY KEY (application_id, environment_id, deployment_number),
	FOREIGN KEY (application_id, environment_id)
		REFERENCES environments (application_id, id) ON DELETE CASCADE
);
CREATE INDEX deployments_state ON deployments (state);
CREATE INDEX deployments_profile ON deployments (application_id, configuration_profile_id);

-- deployment_events is each deployment's append-only event log; position
-- is the event's index in Deployment.EventLog, oldest first.
CREATE TABLE deployment_events (
	application_id    TEXT    NOT NULL,
	environment_id    TEXT    NOT NULL,
	deployment_number INTEGER NOT NULL,
	position          INTEGER NOT NULL,
	event_type        TEXT    NOT NULL,
	triggered_by      TEXT    NOT NULL,
	description       TEXT    NOT NULL,
	occurred_at       INTEGER,
	PRIMARY KEY (application_id, environment_id, deployment_number, position),
	FOREIGN KEY (application_id, environment_id, deployment_number)
		REFERENCES deployments (application_id, environment_id, deployment_number) ON DELETE CASCADE
);

CREATE TABLE tags (
	arn   TEXT NOT NULL,
	key   TEXT NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (arn, key)
);

CREATE TABLE sealing_keys (
	id         INTEGER PRIMARY KEY,
	secret     BLOB    NOT NULL,
	created_at INTEGER
);
