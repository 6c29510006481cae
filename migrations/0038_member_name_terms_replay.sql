-- A rebuild of the members projection writes name search's keyed terms here, unindexed,
-- and moves the last set of each member into member_name_terms once at the end
-- (projections/members/name_terms.py): replacing a member's terms page by page needs an
-- index on member_id of millions of random entries, which cost more than the rest of the
-- replay at a million members. Each replacement is one generation; a member's row with
-- no term marks a replacement by nothing (no name, or erased). Unlogged: a crash empties
-- it, and a rebuild cut short starts again from an empty one.
CREATE UNLOGGED TABLE IF NOT EXISTS member_name_terms_replay (
    generation bigint NOT NULL,
    member_id uuid NOT NULL,
    term bigint
);
CREATE SEQUENCE IF NOT EXISTS member_name_terms_replay_generation;
ALTER TABLE member_name_terms_replay ALTER COLUMN term SET STATISTICS 0;

-- A merge now moves the person's name terms to its earlier join date (and an unmerge back),
-- so that search walks them in the list's order: terms of merges made before follow.
UPDATE member_name_terms t SET joined_at = m.joined_at
FROM members m
WHERE m.member_id = t.member_id AND t.joined_at <> m.joined_at;
