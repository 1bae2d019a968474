-- 0004_audit: the audit trail, one row per request that tried to change
-- something; the twin of sqlite/migration/0004_audit.sql.
-- seq orders the rows as they were appended; listings go newest first by
-- it, through the primary key, and page by it. at is the entry's time,
-- indexed for the Since and Until filters and for deleting entries older
-- than the retention.
CREATE TABLE audit_log (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            BIGINT NOT NULL,
    request_id    TEXT   COLLATE "C" NOT NULL,
    access_key_id TEXT   COLLATE "C" NOT NULL,
    key_name      TEXT   COLLATE "C" NOT NULL,
    operation     TEXT   COLLATE "C" NOT NULL,
    resource      TEXT   COLLATE "C" NOT NULL,
    status        BIGINT NOT NULL,
    error_code    TEXT   COLLATE "C" NOT NULL,
    message       TEXT   COLLATE "C" NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
