"""GitHub authors and threads, as REST objects and GH Archive events name them."""

from __future__ import annotations

import re
from typing import Any

from application.importers.fields import Invalid, as_object, handle, platform_id, text
from application.importers.streams import RecentIds
from domain.importers.records import PlatformUser, Position
from domain.values import Channel

# Owners and members of the repository's organisation answer for the project: staff, to a
# community manager. Collaborators are often outside contributors given write access: the
# community's most engaged members, so not staff.
STAFF_ASSOCIATIONS = frozenset({"OWNER", "MEMBER"})
# The account GitHub puts in place of a deleted one.
GHOST = "ghost"

_API_THREAD = re.compile(r"/repos/([^/\s]+/[^/\s]+)/(?:issues|pulls)/(\d+)(?:$|[/?#])")
_WEB_THREAD = re.compile(r"github\.com/([^/\s]+/[^/\s]+)/(?:issues|pull)/(\d+)(?:$|[/?#])")


def author(user: Any, association: Any, at: Position) -> PlatformUser:
    """The platform user of a REST `user` object, staff by the author association given."""
    person = as_object(user, "user")
    login = text(person, "login")
    return PlatformUser(
        channel=Channel.GITHUB,
        user_id=platform_id(person, "id", "user.id"),
        handle=handle(login, "user.login"),
        display_name=person["name"] if isinstance(person.get("name"), str) else None,
        at=at,
        is_bot=is_bot(login, person.get("type")),
        is_staff=association in STAFF_ASSOCIATIONS,
        deleted=login == GHOST,
    )


def worth_yielding(user: PlatformUser, authors: RecentIds) -> bool:
    """A user not seen lately, or seen only as non-staff and staff now: association is per
    repository, and a member of the organisation in one of its repositories is staff."""
    if user.is_staff:
        authors.first_time(user.user_id)
        return authors.first_time((user.user_id, True))
    return authors.first_time(user.user_id)


def is_bot(login: str, account_type: Any) -> bool:
    """An app's account: `type: Bot`, or a `[bot]` login where no type is given."""
    return account_type == "Bot" or login.lower().endswith("[bot]")


def thread_of(url: Any, what: str) -> str:
    """`owner/repo#number` of an issue or pull request API or web address."""
    if isinstance(url, str):
        match = _API_THREAD.search(url) or _WEB_THREAD.search(url)
        if match:
            return thread(match.group(1), int(match.group(2)))
    raise Invalid(f"{what} names no issue or pull request: {str(url)[:80]!r}")


def thread(repo: str, number: int) -> str:
    """An issue's or pull request's id and thread: its repository (case ignored, as GitHub
    does) and number, which issues and pull requests share."""
    return f"{repo.lower()}#{number}"
