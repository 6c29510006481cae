-- The `outreach_tasks` projection (projections/outreach/tasks*.py): follow-up tasks about
-- members, for staff. The title is sealed under the member's key (projections/personal.py):
-- erasing the member nulls it here and shreds the key, so nothing readable is left.
CREATE TABLE IF NOT EXISTS outreach_tasks (
    task_id uuid PRIMARY KEY,
    member_id uuid NOT NULL,
    assignee_id uuid NOT NULL,     -- a staff member when the task was created
    sealed_title bytea,
    due_on date NOT NULL,          -- a UTC day: overdue once open after that day
    status text NOT NULL,          -- open, done, cancelled (domain/outreach/task_moves.py)
    link_kind text,                -- at_risk, feedback_item, ambassador_nomination, or NULL
    link_id uuid,                  -- the member (at_risk, ambassador_nomination) or the item
    created_at timestamptz NOT NULL,
    completed_at timestamptz,      -- the last completion (kept when reopened, for history)
    cancelled_at timestamptz,
    reopened_at timestamptz,
    member_erased boolean NOT NULL DEFAULT false,
    version integer NOT NULL,
    position bigint NOT NULL,
    changed_at timestamptz NOT NULL
);
-- The task list: overdue (open, due before today) first, then the rest, each by due day.
-- It reads one part per status (open split at today) in index order, each stopping at the
-- page's end (projections/outreach/tasks_queries.py); an erased member's tasks are not listed.
CREATE INDEX IF NOT EXISTS outreach_tasks_status_idx
    ON outreach_tasks (status, due_on, task_id) WHERE NOT member_erased;
CREATE INDEX IF NOT EXISTS outreach_tasks_assignee_idx
    ON outreach_tasks (assignee_id, status, due_on, task_id) WHERE NOT member_erased;
CREATE INDEX IF NOT EXISTS outreach_tasks_member_idx ON outreach_tasks (member_id, due_on);
