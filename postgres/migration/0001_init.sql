-- 0001_init: the initial schema, table for table the twin of
-- sqlite/migration/0001_init.sql.
--
-- Tables are created unqualified, in the schema search_path selects.
--
-- Every time is a BIGINT of nanoseconds since the Unix epoch (UTC), or NULL
-- for the zero time: timestamptz keeps only microseconds, and the store
-- promises nanoseconds.
-- Every integer is a BIGINT, as wide as SQLite's INTEGER and Go's int.
-- Every text column is COLLATE "C": equality and ordering go by bytes, as
-- with SQLite's BINARY collation, whatever locale the database has.
-- Every listing in creation order pages by an identity seq, which is never
-- reused, so a cursor stays valid across deletes.

CREATE TABLE applications (
	seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id          TEXT COLLATE "C" NOT NULL UNIQUE,
	name        TEXT COLLATE "C" NOT NULL,
	description TEXT COLLATE "C" NOT NULL,
	created_at  BIGINT
);
CREATE INDEX applications_name ON applications (name);

CREATE TABLE environments (
	seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	application_id TEXT COLLATE "C" NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
	id             TEXT COLLATE "C" NOT NULL,
	name           TEXT COLLATE "C" NOT NULL,
	description    TEXT COLLATE "C" NOT NULL,
	monitors       TEXT COLLATE "C" NOT NULL, -- JSON array of {alarmArn, alarmRoleArn}, or null
	created_at     BIGINT,
	UNIQUE (application_id, id)
);
CREATE INDEX environments_name ON environments (application_id, name);

CREATE TABLE configuration_profiles (
	seq                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	application_id     TEXT COLLATE "C" NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
	id                 TEXT COLLATE "C" NOT NULL,
	name               TEXT COLLATE "C" NOT NULL,
	description        TEXT COLLATE "C" NOT NULL,
	location_uri       TEXT COLLATE "C" NOT NULL,
	retrieval_role_arn TEXT COLLATE "C" NOT NULL,
	type               TEXT COLLATE "C" NOT NULL,
	kms_key_identifier TEXT COLLATE "C" NOT NULL,
	validators         TEXT COLLATE "C" NOT NULL, -- JSON array of {type, content}, or null
	created_at         BIGINT,
	-- latest_version_number is the highest hosted configuration version
	-- number ever created for the profile, so numbers are never reused
	-- after a delete.
	latest_version_number BIGINT NOT NULL DEFAULT 0,
	UNIQUE (application_id, id)
);
CREATE INDEX configuration_profiles_name ON configuration_profiles (application_id, name);

CREATE TABLE hosted_configuration_versions (
	application_id           TEXT COLLATE "C" NOT NULL,
	configuration_profile_id TEXT COLLATE "C" NOT NULL,
	version_number           BIGINT NOT NULL,
	description              TEXT COLLATE "C" NOT NULL,
	content_type             TEXT COLLATE "C" NOT NULL,
	version_label            TEXT COLLATE "C" NOT NULL,
	content                  BYTEA NOT NULL,
	created_at               BIGINT,
	PRIMARY KEY (application_id, configuration_profile_id, version_number),
	FOREIGN KEY (application_id, configuration_profile_id)
		REFERENCES configuration_profiles (application_id, id) ON DELETE CASCADE
);
CREATE INDEX hosted_configuration_versions_label
	ON hosted_configuration_versions (application_id, configuration_profile_id, version_label, version_number);

CREATE TABLE deployment_strategies (
	seq                            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id                             TEXT COLLATE "C" NOT NULL UNIQUE,
	name                           TEXT COLLATE "C" NOT NULL,
	description                    TEXT COLLATE "C" NOT NULL,
	deployment_duration_in_minutes BIGINT NOT NULL,
	growth_type                    TEXT COLLATE "C" NOT NULL,
	growth_factor                  DOUBLE PRECISION NOT NULL,
	final_bake_time_in_minutes     BIGINT NOT NULL,
	replicate_to                   TEXT COLLATE "C" NOT NULL,
	predefined                     BOOLEAN NOT NULL,
	created_at                     BIGINT
);
CREATE INDEX deployment_strategies_name ON deployment_strategies (name);

-- Deployments keep the strategy's numbers and the profile's name, so they
-- reference neither: both may be deleted while the history stays.
CREATE TABLE deployments (
	application_id                 TEXT COLLATE "C" NOT NULL,
	environment_id                 TEXT COLLATE "C" NOT NULL,
	deployment_number              BIGINT NOT NULL,
	deployment_strategy_id         TEXT COLLATE "C" NOT NULL,
	configuration_profile_id       TEXT COLLATE "C" NOT NULL,
	configuration_name             TEXT COLLATE "C" NOT NULL,
	configuration_location_uri     TEXT COLLATE "C" NOT NULL,
	version_number                 BIGINT NOT NULL,
	version_label                  TEXT COLLATE "C" NOT NULL,
	description                    TEXT COLLATE "C" NOT NULL,
	deployment_duration_in_minutes BIGINT NOT NULL,
	growth_type                    TEXT COLLATE "C" NOT NULL,
	growth_factor                  DOUBLE PRECISION NOT NULL,
	final_bake_time_in_minutes     BIGINT NOT NULL,
	kms_key_identifier             TEXT COLLATE "C" NOT NULL,
	state                          TEXT COLLATE "C" NOT NULL,
	percentage_complete            DOUBLE PRECISION NOT NULL,
	started_at                     BIGINT,
	completed_at                   BIGINT,
	time_scale                     DOUBLE PRECISION NOT NULL,
	PRIMARY KEY (application_id, environment_id, deployment_number),
	FOREIGN KEY (application_id, environment_id)
		REFERENCES environments (application_id, id) ON DELETE CASCADE
);
CREATE INDEX deployments_state ON deployments (state);
CREATE INDEX deployments_profile ON deployments (application_id, configuration_profile_id);

-- deployment_events is each deployment's append-only event log; position
-- is the event's index in Deployment.EventLog, oldest first.
CREATE TABLE deployment_events (
	application_id    TEXT COLLATE "C" NOT NULL,
	environment_id    TEXT COLLATE "C" NOT NULL,
	deployment_number BIGINT NOT NULL,
	position          BIGINT NOT NULL,
	event_type        TEXT COLLATE "C" NOT NULL,
	triggered_by      TEXT COLLATE "C" NOT NULL,
	description       TEXT COLLATE "C" NOT NULL,
	occurred_at       BIGINT,
	PRIMARY KEY (application_id, environment_id, deployment_number, position),
	FOREIGN KEY (application_id, environment_id, deployment_number)
		REFERENCES deployments (application_id, environment_id, deployment_number) ON DELETE CASCADE
);

CREATE TABLE tags (
	arn   TEXT COLLATE "C" NOT NULL,
	key   TEXT COLLATE "C" NOT NULL,
	value TEXT COLLATE "C" NOT NULL,
	PRIMARY KEY (arn, key)
);

-- A sealing key ID is a uint32, which an INTEGER cannot hold.
CREATE TABLE sealing_keys (
	id         BIGINT PRIMARY KEY,
	secret     BYTEA  NOT NULL,
	created_at BIGINT
);
