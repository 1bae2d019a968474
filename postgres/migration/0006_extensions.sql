-- 0006_extensions: custom extensions and their associations, and the
-- extensions applied to each deployment; the twin of
-- sqlite/migration/0006_extensions.sql.
-- One row per extension version; the AWS-owned extensions are built in
-- and not stored. Versions of one extension share id and name. actions
-- and parameters are JSON.
CREATE TABLE extensions (
	seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id             TEXT COLLATE "C" NOT NULL,
	version_number BIGINT NOT NULL,
	name           TEXT COLLATE "C" NOT NULL,
	description    TEXT COLLATE "C" NOT NULL,
	actions        TEXT COLLATE "C" NOT NULL,
	parameters     TEXT COLLATE "C" NOT NULL,
	created_at     BIGINT,
	UNIQUE (id, version_number)
);
CREATE INDEX extensions_name ON extensions (name);

-- An association names its resource by IDs: an application, or one of its
-- environments or profiles (the other column NULL). The foreign keys
-- delete it with the resource. resource_arn is the ARN as the client gave
-- it, returned as given. It does not reference extensions, since
-- AWS-owned extensions are not stored; the Service refuses to delete an
-- extension version still associated. parameters is JSON.
CREATE TABLE extension_associations (
	seq                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id                       TEXT COLLATE "C" NOT NULL UNIQUE,
	extension_id             TEXT COLLATE "C" NOT NULL,
	extension_version_number BIGINT NOT NULL,
	application_id           TEXT COLLATE "C" NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
	environment_id           TEXT COLLATE "C",
	configuration_profile_id TEXT COLLATE "C",
	resource_arn             TEXT COLLATE "C" NOT NULL,
	parameters               TEXT COLLATE "C" NOT NULL,
	created_at               BIGINT,
	FOREIGN KEY (application_id, environment_id)
		REFERENCES environments (application_id, id) ON DELETE CASCADE,
	FOREIGN KEY (application_id, configuration_profile_id)
		REFERENCES configuration_profiles (application_id, id) ON DELETE CASCADE
);
CREATE INDEX extension_associations_extension ON extension_associations (extension_id, extension_version_number);
CREATE INDEX extension_associations_application ON extension_associations (application_id);

-- The extensions that applied to each deployment, as JSON, fixed at its
-- start.
ALTER TABLE deployments ADD COLUMN applied_extensions TEXT COLLATE "C" NOT NULL DEFAULT '[]';
