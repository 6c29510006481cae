-- Read model of the `health_annotations` projection (projections/health/annotations.py):
-- the causes managers gave to activity spikes. No personal data: the cause is free text
-- about the community, the annotator a staff member's id and the API key's id.
CREATE TABLE IF NOT EXISTS health_annotations (
    annotation_id uuid PRIMARY KEY,
    day date NOT NULL,
    channel text NOT NULL,         -- '' for all channels
    cause text NOT NULL,
    annotated_by uuid,
    recorded_with uuid,
    at timestamptz NOT NULL,
    position bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS health_annotations_day_idx ON health_annotations (day, channel);

-- A spike's likely causes read the interactions of its days and of the trailing window:
-- a range of days, not a member's history.
CREATE INDEX IF NOT EXISTS member_interactions_occurred_idx ON member_interactions (occurred_at);
