-- Judged identity-match suggestions (domain/members/matches.py): a rejected pair is never
-- suggested again. Owned by the `members` projection.
CREATE TABLE IF NOT EXISTS identity_match_decisions (
    first_id uuid NOT NULL,
    second_id uuid NOT NULL,
    decision text NOT NULL,
    decided_at timestamptz NOT NULL,
    PRIMARY KEY (first_id, second_id)
);
-- Suggestions pair members by the same e-mail and the same handle on two channels.
CREATE INDEX IF NOT EXISTS members_email_key_idx ON members (email_key)
    WHERE email_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS member_identities_handle_key_idx ON member_identities (handle_key);
