-- 0005_deleted_versions: hosted configuration versions deleted while still
-- served; the twin of sqlite/migration/0005_deleted_versions.sql.
-- A hosted configuration version deleted while an environment still serves
-- it is only marked deleted: the control plane no longer shows it, and the
-- data plane goes on serving its content until a later deployment replaces
-- it; then the row is purged. deleted_at is when it was deleted, NULL for a
-- version that is not.
ALTER TABLE hosted_configuration_versions ADD COLUMN deleted_at BIGINT;
CREATE INDEX hosted_configuration_versions_deleted
	ON hosted_configuration_versions (application_id, configuration_profile_id, version_number)
	WHERE deleted_at IS NOT NULL;
