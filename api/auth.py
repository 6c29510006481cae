"""API keys and roles: who may call the API, and what each role may see and do."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

KEY_PREFIX = "crm_"
# A revoked key's id is announced here at commit, so that servers close its live sockets.
REVOCATIONS_CHANNEL = "api_key_revocations"


class Role(StrEnum):
    """What a key may do; stored by value."""

    ADMIN = "admin"
    MANAGER = "manager"
    PRODUCT = "product"
    MARKETING = "marketing"
    VIEWER = "viewer"


# Community managers and admins handle members and their personal data; the other roles
# read the community without e-mails, handles or free attributes.
_WRITE_MEMBERS = {Role.ADMIN, Role.MANAGER}
_READ_PERSONAL_DATA = {Role.ADMIN, Role.MANAGER}
# Feedback: managers answer members and close the loop; the product team pulls feedback and
# steers it (triage, status, tracker links). Every role may read it.
MANAGE_FEEDBACK = (Role.ADMIN, Role.MANAGER)
STEER_FEEDBACK = (Role.ADMIN, Role.MANAGER, Role.PRODUCT)
# The ambassador program, candidates and conduct records are the community manager's: only
# admins and managers run the program, see candidates with their personal data, and read
# or decide conduct incidents (a member's standing, suspended or banned, is shown to all).
MANAGE_PROGRAM = (Role.ADMIN, Role.MANAGER)
READ_CONDUCT = (Role.ADMIN, Role.MANAGER)
# Marketing reads the ambassadors (with contact fields only where MARKETING_EMAIL consent
# holds) and runs the audited export; it reads no other member's personal data.
READ_AMBASSADORS = (Role.ADMIN, Role.MANAGER, Role.MARKETING, Role.PRODUCT, Role.VIEWER)
EXPORT_AMBASSADORS = (Role.ADMIN, Role.MANAGER, Role.MARKETING)
# Notes, follow-up tasks, the outreach log and the welcome queue are the staff's working
# record of the relationship: product, marketing and viewer see none of them.
MANAGE_OUTREACH = (Role.ADMIN, Role.MANAGER)
# Platform imports write members, identities and interactions in bulk: admins and managers.
IMPORT_DATA = (Role.ADMIN, Role.MANAGER)
# Merging two members into one (and undoing it) rewrites whom a history belongs to: admins and
# managers, who see the personal data the evidence is made of.
MERGE_MEMBERS = (Role.ADMIN, Role.MANAGER)
# Community events are scheduled and attended records: managers keep them; every role reads
# the events' figures (who registered is personal data, shown as for members).
MANAGE_EVENTS = (Role.ADMIN, Role.MANAGER)
# Webhooks send the community's events to other systems, signed with secrets of their own:
# only admins set them up, read their deliveries and replay them.
MANAGE_WEBHOOKS = (Role.ADMIN,)


@dataclass(frozen=True)
class Principal:
    """The caller behind a request's API key."""

    key_id: UUID
    name: str
    role: Role

    @property
    def can_write_members(self) -> bool:
        """May change members (join, edit, link, tag, leave, erase)."""
        return self.role in _WRITE_MEMBERS

    @property
    def can_merge_members(self) -> bool:
        """May merge members who are one person, undo merges, and judge match suggestions."""
        return self.role in MERGE_MEMBERS

    @property
    def can_manage_feedback(self) -> bool:
        """May submit, answer, support, mark duplicates and close loops of feedback."""
        return self.role in MANAGE_FEEDBACK

    @property
    def can_steer_feedback(self) -> bool:
        """May triage feedback, change its status and link it to a tracker."""
        return self.role in STEER_FEEDBACK

    @property
    def can_manage_program(self) -> bool:
        """May nominate, approve, decline, pause, resume, renew and retire ambassadors,
        read candidates, and record consent on a member's behalf."""
        return self.role in MANAGE_PROGRAM

    @property
    def can_read_conduct(self) -> bool:
        """May report, read, decide and appeal conduct incidents."""
        return self.role in READ_CONDUCT

    @property
    def can_read_ambassadors(self) -> bool:
        """May list the ambassadors (contact fields as the role and consent allow)."""
        return self.role in READ_AMBASSADORS

    @property
    def can_export_ambassadors(self) -> bool:
        """May run the audited marketing export of ambassadors."""
        return self.role in EXPORT_AMBASSADORS

    @property
    def can_manage_outreach(self) -> bool:
        """May read and write notes, follow-up tasks and outreach, and record motivations."""
        return self.role in MANAGE_OUTREACH

    @property
    def can_manage_events(self) -> bool:
        """May schedule, reschedule and cancel community events and record who came."""
        return self.role in MANAGE_EVENTS

    @property
    def can_manage_webhooks(self) -> bool:
        """May create, pause, resume, delete and replay webhook subscriptions, and read them."""
        return self.role in MANAGE_WEBHOOKS

    @property
    def is_marketing(self) -> bool:
        """Marketing sees members only as consenting ambassadors (see api/graphql/masking)."""
        return self.role is Role.MARKETING

    @property
    def can_read_personal_data(self) -> bool:
        """May see e-mails, handles and free attributes."""
        return self.role in _READ_PERSONAL_DATA


@dataclass(frozen=True)
class IssuedKey:
    """A key just created: the secret is shown once and never stored."""

    key_id: UUID
    name: str
    role: Role
    secret: str


@dataclass(frozen=True)
class KeyInfo:
    """What is known about a key, without its secret."""

    key_id: UUID
    name: str
    role: Role
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _digest(secret: str) -> bytes:
    # Keys are 256 random bits, so a fast hash suffices; slow hashing is for passwords.
    return hashlib.sha256(secret.encode()).digest()


class ApiKeys:
    """Issue, verify, list and revoke API keys."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def create(self, *, name: str, role: Role) -> IssuedKey:
        """Issue a key; its secret is returned now and cannot be recovered later."""
        if not name.strip():
            raise ValueError("a key needs a name")
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        key_id = uuid4()
        with self.pool.connection() as conn:
            conn.execute(
                "INSERT INTO api_keys (key_id, name, role, secret_hash, prefix)"
                " VALUES (%s, %s, %s, %s, %s)",
                (key_id, name.strip(), role.value, _digest(secret), secret[:10]),
            )
        return IssuedKey(key_id, name.strip(), role, secret)

    def verify(self, secret: str) -> Principal | None:
        """The principal for a presented secret, or None when unknown or revoked."""
        if not secret.startswith(KEY_PREFIX):
            return None
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT key_id, name, role, last_used_at < now() - interval '1 minute'"
                " OR last_used_at IS NULL FROM api_keys"
                " WHERE secret_hash = %s AND revoked_at IS NULL",
                (_digest(secret),),
            ).fetchone()
            if row is None:
                return None
            if row[3]:  # record use at most once a minute: no write on every request
                conn.execute(
                    "UPDATE api_keys SET last_used_at = now() WHERE key_id = %s", (row[0],)
                )
        return Principal(row[0], row[1], Role(row[2]))

    def is_active(self, key_id: UUID) -> bool:
        """Whether the key exists and is not revoked (a session opened with it ends with it)."""
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT 1 FROM api_keys WHERE key_id = %s AND revoked_at IS NULL", (key_id,)
            ).fetchone()
        return row is not None

    def active_among(self, key_ids: list[UUID]) -> set[UUID]:
        """Those of these keys that exist and are not revoked, in one query."""
        with self.pool.connection() as conn:
            rows = conn.execute(
                "SELECT key_id FROM api_keys WHERE key_id = ANY(%s) AND revoked_at IS NULL",
                (key_ids,),
            ).fetchall()
        return {row[0] for row in rows}

    def list(self) -> list[KeyInfo]:
        """All keys, newest first."""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(
                "SELECT key_id, name, role, prefix, created_at, last_used_at, revoked_at"
                " FROM api_keys ORDER BY created_at DESC"
            ).fetchall()
        return [KeyInfo(**{**row, "role": Role(row["role"])}) for row in rows]

    def revoke(self, key_id: UUID) -> bool:
        """Revoke a key; False when no such active key exists."""
        with self.pool.connection() as conn:
            cur = conn.execute(
                "UPDATE api_keys SET revoked_at = now() WHERE key_id = %s AND revoked_at IS NULL",
                (key_id,),
            )
            if cur.rowcount != 1:
                return False
            conn.execute("SELECT pg_notify(%s, %s)", (REVOCATIONS_CHANNEL, str(key_id)))
            return True
