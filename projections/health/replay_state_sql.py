"""The set-based rebuild's SQL for the tables of state, not deltas: members, their periods,
threads and last interactions, cohorts and membership days (projections/health/replay.py)."""

from __future__ import annotations

from projections.health.replay_spikes_sql import WRITE_MEMBER_THREADS
from projections.health.replay_sql import period, utc

ERASED = "(SELECT member_id FROM health_replay_members WHERE erased)"
COUNTED = "NOT coalesce(m.is_staff OR m.is_bot OR m.erased OR m.counted_as IS NOT NULL, false)"
WRITE_STATE = (
    """INSERT INTO health_members (member_id, joined_at, left_at, is_staff, is_bot, erased,
        first_at, last_at, stage, source_channel, counted_as, person_of)
    SELECT member_id, m.joined_at, m.left_at, coalesce(m.is_staff, false),
        coalesce(m.is_bot, false), coalesce(m.erased, false), a.first_at, a.last_at,
        coalesce(s.stage, ''), coalesce(m.source_channel, ''), m.counted_as, m.person_of
    FROM health_replay_members m
    FULL JOIN (SELECT member_id, min(occurred_at) AS first_at, max(occurred_at) AS last_at
        FROM hr_ev GROUP BY 1) AS a USING (member_id)
    LEFT JOIN (SELECT DISTINCT ON (member_id) member_id, stage FROM health_replay_stages
        ORDER BY member_id, seq DESC) AS s USING (member_id)""",
    f"""INSERT INTO health_member_periods (member_id, granularity, period, channel, kind,
        interactions, first_recorded_at, silence)
    SELECT member_id, 'day', oday, channel, kind, count(*), min(recorded_at), NULL FROM hr_ev
    WHERE member_id NOT IN {ERASED} GROUP BY member_id, oday, channel, kind
    UNION ALL
    SELECT d.member_id, d.g, d.p, d.scope, '', d.n, d.f, s.silence
    FROM (
        SELECT member_id, g, p, scope, sum(cnt) AS n, min(f) AS f FROM hr_mpd
        WHERE member_id NOT IN {ERASED} GROUP BY 1, 2, 3, 4
    ) AS d LEFT JOIN (
        SELECT member_id, scope, g, {period("g", "oday")} AS p, max(weeks) AS silence
        FROM hr_sd, (VALUES ('week'), ('month')) AS gg(g) GROUP BY 1, 2, 3, 4
    ) AS s USING (member_id, scope, g, p)""",
    WRITE_MEMBER_THREADS.format(erased=ERASED),
    f"""INSERT INTO health_member_lasts (member_id, channel, last_at)
    SELECT member_id, scope, max(hi) FROM hr_md WHERE member_id NOT IN {ERASED}
    GROUP BY 1, 2""",
    f"""INSERT INTO health_cohorts (granularity, cohort, period, members)
    SELECT x.g, {period("x.g", "f.first_day")}, x.p, count(*)
    FROM (SELECT DISTINCT member_id, g, p FROM hr_mpd WHERE scope = '') AS x
    JOIN (SELECT member_id, {utc("min(occurred_at)")} AS first_day FROM hr_ev GROUP BY 1) AS f
        USING (member_id)
    LEFT JOIN health_replay_members m USING (member_id)
    WHERE {COUNTED}
    GROUP BY 1, 2, 3""",
    f"""INSERT INTO health_membership_days (day, joined, left_)
    SELECT day, sum(joined), sum(left_) FROM (
        SELECT {utc("joined_at")} AS day, 1 AS joined, 0 AS left_ FROM health_replay_members m
        WHERE joined_at IS NOT NULL AND {COUNTED}
        UNION ALL
        SELECT {utc("left_at")}, 0, 1 FROM health_replay_members m
        WHERE joined_at IS NOT NULL AND left_at IS NOT NULL AND {COUNTED}
    ) AS d GROUP BY day""",
    # The persons an unmerge dissolved leave nothing (their other rows are left out above).
    """DELETE FROM health_members
    WHERE member_id IN (SELECT member_id FROM health_replay_members WHERE dissolved)""",
)
