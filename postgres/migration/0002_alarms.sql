-- 0002_alarms: the last known state of each alarm that environment
-- monitors name; the twin of sqlite/migration/0002_alarms.sql.
CREATE TABLE alarms (
	arn        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	state      TEXT COLLATE "C" NOT NULL,
	reason     TEXT COLLATE "C" NOT NULL,
	updated_at BIGINT
);
