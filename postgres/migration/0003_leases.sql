-- Named leases: the replica that holds "deployment-engine" runs the engine.
CREATE TABLE leases (
    name       TEXT   COLLATE "C" NOT NULL PRIMARY KEY,
    holder     TEXT   COLLATE "C" NOT NULL,
    expires_at BIGINT NOT NULL
);
