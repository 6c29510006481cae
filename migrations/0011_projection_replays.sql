-- A rebuild from the start of the log replays into tables stripped of their indexes and
-- constraints, and puts them back when it reaches the head. The definitions wait here
-- (NULL outside a replay), so a replay cut short resumes in any process, still stripped.
ALTER TABLE projection_positions ADD COLUMN IF NOT EXISTS replay jsonb;

-- The rank key of a set of interactions from their terms (see crm_add_rank): rebuilds
-- compute totals with it in one pass over member_interactions.
CREATE OR REPLACE AGGREGATE crm_rank_sum(double precision) (
    SFUNC = crm_add_rank, STYPE = double precision, INITCOND = '-Infinity'
);
