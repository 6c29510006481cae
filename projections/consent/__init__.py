"""The consent context's read models, and the one predicate other contexts reuse in SQL.

"Consent holds for purpose P at instant T" (the issue 14 contract), for PROGRAM's
contact fields and DISCLOSURES' export: compose `consent_holds()` into a query and pass
the purpose (lower-case, e.g. 'marketing_email') and the instant as named parameters.
"""

from __future__ import annotations

from psycopg import sql

# No row means no consent; a withdrawal (given = false) or an expiry at or before T, none.
CONSENT_HOLDS = (
    "EXISTS (SELECT FROM member_consents c WHERE c.member_id = {member}"
    " AND c.purpose = {purpose} AND c.given"
    " AND (c.expires_at IS NULL OR c.expires_at > {at}))"
)


def consent_holds(
    member_column: str = "m.member_id", purpose_param: str = "purpose", at_param: str = "at"
) -> sql.Composed:
    """CONSENT_HOLDS for the member in `member_column` (e.g. "a.member_id"), with the
    purpose and instant taken from the named parameters %(purpose)s and %(at)s."""
    return sql.SQL(CONSENT_HOLDS).format(
        member=sql.Identifier(*member_column.split(".")),
        purpose=sql.Placeholder(purpose_param),
        at=sql.Placeholder(at_param),
    )


__all__ = ["CONSENT_HOLDS", "consent_holds"]
