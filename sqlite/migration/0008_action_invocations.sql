-- The extension actions run for each deployment event, as JSON: those of
-- an ON_* action point are added after the event, once they answered.
ALTER TABLE deployment_events ADD COLUMN action_invocations TEXT NOT NULL DEFAULT '[]';
