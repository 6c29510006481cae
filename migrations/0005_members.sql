-- Read model of the `members` projection: current profile, identities, tags, status.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE IF NOT EXISTS members (
    member_id uuid PRIMARY KEY,
    display_name text,
    email text,
    status text NOT NULL,
    joined_at timestamptz NOT NULL,
    source_channel text NOT NULL,
    attributes jsonb NOT NULL DEFAULT '{}',
    tags text[] NOT NULL DEFAULT '{}',
    channels text[] NOT NULL DEFAULT '{}',
    is_staff boolean NOT NULL DEFAULT false,
    is_bot boolean NOT NULL DEFAULT false,
    left_at timestamptz,
    erased_at timestamptz,
    version bigint NOT NULL,
    updated_at timestamptz NOT NULL,
    -- Lower-cased name and handles, for the name/handle search.
    search_text text NOT NULL DEFAULT ''
);

-- Keyset pagination: one index per ordering, columns and directions matching ORDER BY.
CREATE INDEX IF NOT EXISTS members_joined_idx ON members (joined_at DESC, member_id DESC);
CREATE INDEX IF NOT EXISTS members_name_idx ON members (coalesce(lower(display_name), ''), member_id);
CREATE INDEX IF NOT EXISTS members_name_search_idx ON members USING gin (lower(display_name) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS members_tags_idx ON members USING gin (tags);
CREATE INDEX IF NOT EXISTS members_channels_idx ON members USING gin (channels);
CREATE INDEX IF NOT EXISTS members_search_idx ON members USING gin (search_text gin_trgm_ops);

CREATE TABLE IF NOT EXISTS member_identities (
    channel text NOT NULL,
    handle_key text NOT NULL,
    handle text NOT NULL,
    member_id uuid NOT NULL,
    linked_at timestamptz NOT NULL,
    PRIMARY KEY (channel, handle_key)
);
CREATE INDEX IF NOT EXISTS member_identities_member_idx ON member_identities (member_id);

-- Counters for totalCount without COUNT(*): one row per (dimension, value), kept by a
-- trigger so that every write path (events, rebuilds) keeps them right.
CREATE TABLE IF NOT EXISTS member_counts (
    dimension text NOT NULL,
    value text NOT NULL,
    count bigint NOT NULL,
    PRIMARY KEY (dimension, value)
);

CREATE OR REPLACE FUNCTION member_count_keys(m members) RETURNS TABLE (dimension text, value text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'status', m.status
    UNION ALL SELECT 'tag:' || m.status, t FROM unnest(m.tags) AS t
    UNION ALL SELECT 'channel:' || m.status, c FROM unnest(m.channels) AS c
$$;

CREATE OR REPLACE FUNCTION member_counts_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO member_counts (dimension, value, count)
        SELECT k.dimension, k.value, -1 FROM member_count_keys(OLD) AS k
        ON CONFLICT (dimension, value) DO UPDATE SET count = member_counts.count - 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO member_counts (dimension, value, count)
        SELECT k.dimension, k.value, 1 FROM member_count_keys(NEW) AS k
        ON CONFLICT (dimension, value) DO UPDATE SET count = member_counts.count + 1;
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS members_counts ON members;
CREATE TRIGGER members_counts AFTER INSERT OR DELETE OR UPDATE OF status, tags, channels
    ON members FOR EACH ROW EXECUTE FUNCTION member_counts_trigger();
