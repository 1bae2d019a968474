-- 0008_action_invocations: the extension actions run for each deployment
-- event; the twin of sqlite/migration/0008_action_invocations.sql.
-- As JSON: those of an ON_* action point are added after the event, once
-- they answered.
ALTER TABLE deployment_events ADD COLUMN action_invocations TEXT COLLATE "C" NOT NULL DEFAULT '[]';
