-- Merged members (domain/members/merges.py): a merged-away member keeps its rows, marked
-- with the member it is counted as, so that an unmerge gives them back as they were.
ALTER TABLE members ADD COLUMN IF NOT EXISTS merged_into uuid;
-- The members merged into a member: its channels, search keys and identities include theirs.
CREATE INDEX IF NOT EXISTS members_merged_into_idx ON members (merged_into)
    WHERE merged_into IS NOT NULL;
ALTER TABLE member_engagement ADD COLUMN IF NOT EXISTS merged_into uuid;
-- Interactions through a merged-away member's identities are added to the person it is
-- counted as: each page looks its members up in this (usually empty) index.
CREATE INDEX IF NOT EXISTS member_engagement_merged_idx ON member_engagement (member_id)
    INCLUDE (merged_into) WHERE merged_into IS NOT NULL;
