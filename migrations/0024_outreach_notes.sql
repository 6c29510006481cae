-- The `outreach_notes` projection (projections/outreach/notes*.py): staff notes on members,
-- each version of each note kept. The texts are sealed under the member's key
-- (projections/personal.py): erasing the member shreds the key, and the projection clears
-- the sealed copies and flags the rows (who wrote what when stays; nothing readable does).
CREATE TABLE IF NOT EXISTS member_notes (
    note_id uuid PRIMARY KEY,
    member_id uuid NOT NULL,
    author_id uuid NOT NULL,
    sealed_text bytea,
    link_kind text,               -- interaction, feedback, incident; NULL when not linked
    link_id uuid,
    added_at timestamptz NOT NULL,
    edited_at timestamptz,
    edited_by uuid,
    member_erased boolean NOT NULL DEFAULT false,
    version integer NOT NULL,
    position bigint NOT NULL
);
-- member.notes: a member's notes, newest first.
CREATE INDEX IF NOT EXISTS member_notes_member_idx ON member_notes (member_id, added_at DESC);

-- Every version of every note: version 1 as added, then each edit.
CREATE TABLE IF NOT EXISTS member_note_versions (
    note_id uuid NOT NULL,
    version integer NOT NULL,
    member_id uuid NOT NULL,
    written_by uuid NOT NULL,
    at timestamptz NOT NULL,
    sealed_text bytea,
    position bigint NOT NULL,
    PRIMARY KEY (note_id, version)
);
CREATE INDEX IF NOT EXISTS member_note_versions_member_idx ON member_note_versions (member_id);

-- The `outreach_motivations` projection (projections/outreach/motivations*.py): each
-- member's latest answer to why they joined. Options are the configured slugs; the free
-- text is sealed under the member's key. An erased member's row is deleted.
CREATE TABLE IF NOT EXISTS member_motivations (
    member_id uuid PRIMARY KEY,
    options text[] NOT NULL,
    sealed_text bytea,
    recorded_by uuid NOT NULL,
    recorded_at timestamptz NOT NULL,
    motivation_id uuid NOT NULL,  -- the answer's own id (its aggregate)
    position bigint NOT NULL
);
-- members(filter: {motivation}) and the summary's counts per option.
CREATE INDEX IF NOT EXISTS member_motivations_options_idx
    ON member_motivations USING gin (options);
