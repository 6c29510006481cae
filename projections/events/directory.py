"""The events context's MemberDirectory: a member by e-mail, through the members' blind index."""

from __future__ import annotations

from uuid import UUID

from psycopg_pool import ConnectionPool

from projections.personal import PersonalData

# The e-mail's blind index is among each member's search keys (a GIN index); the e-mail
# key itself tells it from a handle with the same text. The earliest member wins when two
# share an address.
BY_EMAIL = """
SELECT member_id FROM members
WHERE search_keys @> ARRAY[%(key)s]::bytea[] AND email_key = %(key)s AND erased_at IS NULL
ORDER BY joined_at, member_id LIMIT 1
"""


class MembersByEmail:
    """Finds members by e-mail in the members read model (as of its last page)."""

    def __init__(self, pool: ConnectionPool, personal: PersonalData) -> None:
        self.pool = pool
        self.personal = personal

    def member_by_email(self, email: str) -> UUID | None:
        """The member with this e-mail (any case), not erased; None when there is none."""
        key = self.personal.email_key(email)
        with self.pool.connection() as conn:
            row = conn.execute(BY_EMAIL, {"key": key}).fetchone()
        return None if row is None else UUID(str(row[0]))
