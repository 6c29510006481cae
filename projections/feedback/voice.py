"""Voice: support weighted by importance and by the supporters' engagement.

voice = sum over the item's member set of weight(member) x (1 + percentile(member)), where
the member set is the one unique_members counts (a canonical item: its whole duplicate
group; a duplicate: its author and supporters), weight is the member's highest importance
(critical 3, important 2, nice to have 1, unknown 1; an author 1), and percentile is the
member's engagement rank: the share of members with interactions (staff and bots aside)
whose decayed score (member_engagement.rank_key) is at most theirs, in (0, 1]; 0 for a
member with no interaction. An item backed by engaged members
thus outranks one with as many quiet supporters, by up to double.

Engagement changes with every interaction, so voice is recomputed in one statement by
FeedbackQueries.refresh_voice (by the worker or an operator), never by the projection: it
moves no item in the change feed.
"""

from __future__ import annotations

REFRESH_VOICE = """
WITH ranked AS (
    SELECT member_id, cume_dist() OVER (ORDER BY rank_key) AS percentile
    FROM member_engagement WHERE interactions > 0 AND NOT is_staff AND NOT is_bot
),
items AS (
    SELECT item_id, author_id, duplicate_of, coalesce(duplicate_of, item_id) AS canonical
    FROM feedback_items
),
roles AS (
    SELECT i.item_id, i.canonical, i.author_id AS member_id, 1 AS weight FROM items i
    UNION ALL
    SELECT i.item_id, i.canonical, s.member_id, crm_feedback_weight(s.importance)
    FROM items i JOIN feedback_supports s ON s.item_id = i.item_id
),
members AS (
    SELECT item_id, canonical, member_id, max(weight) AS weight FROM roles GROUP BY 1, 2, 3
),
own AS (
    SELECT m.item_id, sum(m.weight * (1 + coalesce(r.percentile, 0))) AS voice
    FROM members m LEFT JOIN ranked r USING (member_id) GROUP BY m.item_id
),
grouped AS (
    SELECT g.canonical, sum(g.weight * (1 + coalesce(r.percentile, 0))) AS voice
    FROM (SELECT canonical, member_id, max(weight) AS weight FROM roles GROUP BY 1, 2) g
    LEFT JOIN ranked r USING (member_id) GROUP BY g.canonical
),
voices AS (
    SELECT i.item_id, CASE WHEN i.duplicate_of IS NULL THEN g.voice ELSE o.voice END AS voice
    FROM items i JOIN own o USING (item_id) LEFT JOIN grouped g ON g.canonical = i.item_id
)
UPDATE feedback_items f SET voice = v.voice
FROM voices v
WHERE f.item_id = v.item_id AND f.voice IS DISTINCT FROM v.voice
"""
