-- Rebuilds apply plain events in SQL straight from the log (projections/plain_events.py).
-- A row such a statement cannot read as the Python path would fails the whole page with
-- this error (a data exception: poison, never a schema fault): the engine then applies
-- the page again event by event, in Python, and parks the event as it always has.
CREATE OR REPLACE FUNCTION crm_replay_refused(notification bigint, reason text)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'notification %: %', notification, reason USING ERRCODE = 'data_exception';
END $$;
