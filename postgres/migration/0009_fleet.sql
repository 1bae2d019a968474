-- 0009_fleet: the fleet view's sketches; the twin of
-- sqlite/migration/0009_fleet.sql.
-- Each replica's HyperLogLog sketch of the sessions that polled a profile
-- in an environment and held a version during a minute (Unix seconds of
-- its start). A replica replaces its row of a minute with the whole sketch
-- at every flush, and rows older than an hour are deleted. No foreign
-- keys: the rows of deleted resources age out within the hour, and the
-- view hides them meanwhile.
CREATE TABLE fleet_sketches (
    replica                  TEXT    COLLATE "C" NOT NULL,
    application_id           TEXT    COLLATE "C" NOT NULL,
    environment_id           TEXT    COLLATE "C" NOT NULL,
    configuration_profile_id TEXT    COLLATE "C" NOT NULL,
    version                  INTEGER NOT NULL,
    minute                   BIGINT  NOT NULL,
    sketch                   BYTEA   NOT NULL,
    PRIMARY KEY (replica, application_id, environment_id, configuration_profile_id, version, minute)
);
CREATE INDEX fleet_sketches_minute ON fleet_sketches (minute);
