-- Deletion protection: the account settings, one row, and when clients
-- last polled each environment and configuration profile (nanoseconds
-- since the Unix epoch, NULL for never). Replicas write the poll times
-- they saw every minute, keeping the latest.
CREATE TABLE account_settings (
    id                           INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    deletion_protection_enabled  INTEGER NOT NULL,
    protection_period_in_minutes INTEGER NOT NULL
);
ALTER TABLE environments ADD COLUMN last_polled_at INTEGER;
ALTER TABLE configuration_profiles ADD COLUMN last_polled_at INTEGER;
