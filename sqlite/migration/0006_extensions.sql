-- Custom extensions, one row per version; the AWS-owned extensions are
-- built in and not stored. Versions of one extension share id and name.
-- actions and parameters are JSON.
CREATE TABLE extensions (
	seq            INTEGER PRIMARY KEY AUTOINCREMENT,
	id             TEXT    NOT NULL,
	version_number INTEGER NOT NULL,
	name           TEXT    NOT NULL,
	description    TEXT    NOT NULL,
	actions        TEXT    NOT NULL,
	parameters     TEXT    NOT NULL,
	created_at     INTEGER,
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
	seq                      INTEGER PRIMARY KEY AUTOINCREMENT,
	id                       TEXT    NOT NULL UNIQUE,
	extension_id             TEXT    NOT NULL,
	extension_version_number INTEGER NOT NULL,
	application_id           TEXT    NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
	environment_id           TEXT,
	configuration_profile_id TEXT,
	resource_arn             TEXT    NOT NULL,
	parameters               TEXT    NOT NULL,
	created_at               INTEGER,
	FOREIGN KEY (application_id, environment_id)
		REFERENCES environments (application_id, id) ON DELETE CASCADE,
	FOREIGN KEY (application_id, configuration_profile_id)
		REFERENCES configuration_profiles (application_id, id) ON DELETE CASCADE
);
CREATE INDEX extension_associations_extension ON extension_associations (extension_id, extension_version_number);
CREATE INDEX extension_associations_application ON extension_associations (application_id);

-- The extensions that applied to each deployment, as JSON, fixed at its
-- start.
ALTER TABLE deployments ADD COLUMN applied_extensions TEXT NOT NULL DEFAULT '[]';
