-- Outgoing webhooks (projections/webhooks/, application/webhooks/).
--
-- `webhook_subscriptions` and `webhook_ambassadorships` belong to the `webhooks` projection
-- and are rebuilt with it. `webhook_deliveries` is the outbox that projection fills: one
-- row per (subscription, notification), inserted once and never again (ON CONFLICT DO
-- NOTHING), so a rebuild re-creates only missing rows and sends nothing twice. The
-- deliverer claims due rows (FOR UPDATE SKIP LOCKED) and records each attempt there.
-- No secret and no personal data is stored here: a payload is rendered from the log when
-- it is sent, so an erased member's deliveries are sent in the erased shape.
CREATE TABLE IF NOT EXISTS webhook_subscriptions (
    subscription_id uuid PRIMARY KEY,
    url text NOT NULL,
    event_types text[] NOT NULL,
    member_ids uuid[] NOT NULL,       -- the filter: empty for every member
    channels text[] NOT NULL,         -- the filter: empty for every channel
    role text NOT NULL,               -- whose view of personal data payloads follow
    status text NOT NULL,             -- active, paused, deleted
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    changed_at timestamptz NOT NULL,
    version integer NOT NULL,
    position bigint NOT NULL          -- where the subscription was created in the log
);

-- The member of each ambassadorship (its events name the record, not the member).
CREATE TABLE IF NOT EXISTS webhook_ambassadorships (
    ambassadorship_id uuid PRIMARY KEY,
    member_id uuid NOT NULL
);

CREATE TABLE IF NOT EXISTS webhook_deliveries (
    subscription_id uuid NOT NULL,
    notification_id bigint NOT NULL,  -- the event's position in the log
    event_type text NOT NULL,         -- the public type, e.g. member.joined
    subject_id uuid NOT NULL,         -- the member (else the item) it is about: its order
    idempotency_key uuid NOT NULL,    -- the same for every attempt and replay
    status text NOT NULL,             -- pending, delivered, failed, cancelled
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    leased_until timestamptz,         -- claimed by a deliverer until then
    lease bigint NOT NULL DEFAULT 0,  -- bumped by each claim: only its holder records
    first_attempt_at timestamptz,     -- the 24 hours of retries count from here
    last_attempt_at timestamptz,
    delivered_at timestamptz,
    last_status integer,              -- the receiver's last HTTP status, if it answered
    last_error text,
    replayed boolean NOT NULL DEFAULT false,
    occurred_at timestamptz NOT NULL, -- when the event was recorded
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscription_id, notification_id)
);
-- The deliverer's claim: a subscription's due rows in log order.
CREATE INDEX IF NOT EXISTS webhook_deliveries_due_idx
    ON webhook_deliveries (subscription_id, notification_id) WHERE status = 'pending';
-- Order per member: a row waits while an earlier one of its member is pending.
CREATE INDEX IF NOT EXISTS webhook_deliveries_subject_idx
    ON webhook_deliveries (subscription_id, subject_id, notification_id)
    WHERE status = 'pending';
-- webhookDeliveries(subscriptionId, status): newest first.
CREATE INDEX IF NOT EXISTS webhook_deliveries_status_idx
    ON webhook_deliveries (subscription_id, status, notification_id);
