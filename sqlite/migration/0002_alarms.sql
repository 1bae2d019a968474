-- The last known state of each alarm that environment monitors name.
CREATE TABLE alarms (
    arn        TEXT    NOT NULL PRIMARY KEY,
    state      TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    updated_at INTEGER
);
