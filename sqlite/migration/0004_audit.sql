-- The audit trail: one row per request that tried to change something.
-- seq orders the rows as they were appended; listings go newest first by
-- it, through the primary key, and page by it. at is the entry's time,
-- indexed for the Since and Until filters and for deleting entries older
-- than the retention.
CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    at            INTEGER NOT NULL,
    request_id    TEXT    NOT NULL,
    access_key_id TEXT    NOT NULL,
    key_name      TEXT    NOT NULL,
    operation     TEXT    NOT NULL,
    resource      TEXT    NOT NULL,
    status        INTEGER NOT NULL,
    error_code    TEXT    NOT NULL,
    message       TEXT    NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
