-- The feedback context's read model (projections/feedback): items with their counts across
-- duplicate groups, supports, history, loops closed, and a blind index of their words.
-- Text and source url are sealed under the author's key (projections/personal.py), so that
-- erasing the author leaves nothing readable while every count remains.
CREATE TABLE IF NOT EXISTS feedback_items (
    item_id uuid PRIMARY KEY,
    author_id uuid NOT NULL,
    submitted_by uuid,
    channel text NOT NULL,
    kind text NOT NULL,
    sealed_text bytea,
    source_interaction_id uuid,
    product_area text,
    priority text,
    team text,
    status text NOT NULL,
    submitted_at timestamptz NOT NULL,
    first_response_at timestamptz,
    first_response_channel text,
    responses integer NOT NULL DEFAULT 0,
    duplicate_of uuid,
    duplicates integer NOT NULL DEFAULT 0,
    tracker_url text,
    tracker_key text,
    supporters integer NOT NULL DEFAULT 0,
    unique_members integer NOT NULL DEFAULT 1,
    weighted_support double precision NOT NULL DEFAULT 0,
    voice double precision NOT NULL DEFAULT 0,
    loop_closed integer NOT NULL DEFAULT 0,
    loop_owed integer NOT NULL DEFAULT 1,
    author_erased boolean NOT NULL DEFAULT false,
    version integer NOT NULL,
    position bigint NOT NULL,
    changed_at timestamptz NOT NULL,
    status_changed_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_items_newest_idx
    ON feedback_items (submitted_at DESC, item_id DESC);
CREATE INDEX IF NOT EXISTS feedback_items_support_idx
    ON feedback_items (unique_members DESC, item_id DESC);
CREATE INDEX IF NOT EXISTS feedback_items_voice_idx ON feedback_items (voice DESC, item_id DESC);
CREATE INDEX IF NOT EXISTS feedback_items_author_idx ON feedback_items (author_id);
CREATE INDEX IF NOT EXISTS feedback_items_duplicate_idx
    ON feedback_items (duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE INDEX IF NOT EXISTS feedback_items_unanswered_idx
    ON feedback_items (submitted_at) WHERE first_response_at IS NULL;

CREATE TABLE IF NOT EXISTS feedback_supports (
    item_id uuid NOT NULL,
    member_id uuid NOT NULL,
    importance text NOT NULL,
    supported_at timestamptz NOT NULL,
    PRIMARY KEY (item_id, member_id)
);
CREATE INDEX IF NOT EXISTS feedback_supports_member_idx ON feedback_supports (member_id);

-- One row per change of an item, in log order: the item's history and the feed's kinds.
CREATE TABLE IF NOT EXISTS feedback_history (
    item_id uuid NOT NULL,
    position bigint NOT NULL,
    change text NOT NULL,
    at timestamptz NOT NULL,
    actor_id uuid,
    detail jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (item_id, position)
);

CREATE TABLE IF NOT EXISTS feedback_loops (
    item_id uuid NOT NULL,
    member_id uuid NOT NULL,
    channel text NOT NULL,
    told_at timestamptz NOT NULL,
    told_by uuid NOT NULL,
    PRIMARY KEY (item_id, member_id)
);

-- Keyed hashes of the words of each item's text: text search without plaintext on disk.
CREATE TABLE IF NOT EXISTS feedback_terms (
    term bytea NOT NULL,
    item_id uuid NOT NULL,
    PRIMARY KEY (term, item_id)
);
CREATE INDEX IF NOT EXISTS feedback_terms_item_idx ON feedback_terms (item_id);

-- Keyed hashes are matched one value at a time: no statistics, which would keep sampled
-- hashes of an erased author's words in pg_statistic.
ALTER TABLE feedback_terms ALTER COLUMN term SET STATISTICS 0;

-- How much a supporter's importance weighs in weighted support and voice; an author counts 1.
CREATE OR REPLACE FUNCTION crm_feedback_weight(importance text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE importance WHEN 'critical' THEN 3 WHEN 'important' THEN 2 ELSE 1 END
$$;

-- One cell of the feedback CSV export, as projections/feedback/csv_cells.py writes it, so
-- PostgreSQL renders all but the sealed cells of a line: NULL is empty; a cell a spreadsheet
-- would evaluate (first character = + - @ tab CR) gets a leading apostrophe; a cell holding
-- a comma, a double quote, CR or LF is quoted, its double quotes doubled (RFC 4180).
-- One expression (no regular expression: strpos and ascii cost a third), so the planner
-- inlines it into the export's query.
CREATE OR REPLACE FUNCTION crm_csv_cell(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN strpos(value, ',') + strpos(value, '"') + strpos(value, E'\r')
            + strpos(value, E'\n') > 0
        THEN '"' || CASE WHEN ascii(value) IN (61, 43, 45, 64, 9, 13) THEN '''' ELSE '' END
            || replace(value, '"', '""') || '"'
        WHEN ascii(value) IN (61, 43, 45, 64, 9, 13) THEN '''' || value
        ELSE coalesce(value, '')
    END
$$;

-- The manager's reports (projections/feedback/reports.py) read every item submitted in a
-- span: with the columns they count held in the index, a year of items is an index-only
-- range scan instead of a visit to each item's row.
CREATE INDEX IF NOT EXISTS feedback_items_reports_idx ON feedback_items (submitted_at)
    INCLUDE (first_response_at, priority, channel, kind, status, product_area);

-- The change feed reads changes in commit order: a span of positions is one index range.
CREATE INDEX IF NOT EXISTS feedback_history_position_idx
    ON feedback_history (position, item_id) INCLUDE (change);

-- Time to first response in log-spaced buckets: bucket -1 holds unanswered items, 0 waits
-- under a second, b >= 1 waits in [1.01^(b-1), 1.01^b) seconds (a bucket's geometric middle
-- is within 0.5% of every wait in it).
CREATE OR REPLACE FUNCTION crm_feedback_wait_bucket(waited interval) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN waited IS NULL THEN -1
        WHEN waited < interval '1 second' THEN 0
        ELSE 1 + floor(ln(date_part('epoch', waited)) / ln(1.01))::integer END
$$;

-- The response-time report's pre-aggregate (projections/feedback/histogram.py): items per
-- ISO week submitted (UTC Monday), channel, priority and wait bucket, kept by the projection
-- as items are submitted, answered and triaged. A year is a few hundred thousand rows at
-- most instead of a sort of every item's wait.
CREATE TABLE IF NOT EXISTS feedback_response_histogram (
    week date NOT NULL,
    channel text NOT NULL,
    priority text,
    bucket integer NOT NULL,
    items integer NOT NULL,
    CONSTRAINT feedback_response_histogram_key
        UNIQUE NULLS NOT DISTINCT (week, channel, priority, bucket)
);
CREATE INDEX IF NOT EXISTS feedback_response_histogram_week_idx
    ON feedback_response_histogram (week) INCLUDE (channel, priority, bucket, items);

-- The same items summed the ways the report reads them (histogram.py ROLLUP_OF): kind
-- 'week' per week and bucket, 'channel' and 'priority' per week, that value and bucket, and
-- 'over' per week, channel, priority and coarse bucket (64 buckets: b / 64, -1 unanswered),
-- enough to count items over a target but in the coarse bucket holding it. A year of one
-- kind is a fraction of the histogram's rows.
CREATE TABLE IF NOT EXISTS feedback_response_rollup (
    kind text NOT NULL,
    week date NOT NULL,
    channel text,
    priority text,
    bucket integer NOT NULL,
    items integer NOT NULL,
    CONSTRAINT feedback_response_rollup_key
        UNIQUE NULLS NOT DISTINCT (kind, week, channel, priority, bucket)
);
CREATE INDEX IF NOT EXISTS feedback_response_rollup_week_idx
    ON feedback_response_rollup (kind, week) INCLUDE (channel, priority, bucket, items);

-- The histogram's rows of one priority in a range of buckets: those over a target inside
-- the coarse bucket that holds it.
CREATE INDEX IF NOT EXISTS feedback_response_histogram_bucket_idx
    ON feedback_response_histogram (priority, bucket) INCLUDE (week, channel, items);

-- The answered items of one priority in one bucket: the report reads them to count exactly
-- those over a target that falls inside their bucket.
CREATE INDEX IF NOT EXISTS feedback_items_wait_bucket_idx
    ON feedback_items (priority, crm_feedback_wait_bucket(first_response_at - submitted_at))
    INCLUDE (submitted_at, first_response_at, channel) WHERE first_response_at IS NOT NULL;
