"""`crm import discourse` on PostgreSQL: a user list and topics, again, overlapping, --strict."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from application.runtime import Runtime
from tests.integration.importers.helpers import (
    FirstImport,
    failures,
    first_import,
    flags,
    imported,
    interactions,
    member,
    totals,
)
from tests.unit.importers.exports import (
    DISCOURSE_USER_COLUMNS,
    discourse_post,
    discourse_topic,
    discourse_user,
)

pytestmark = pytest.mark.integration
DELETED = "a deleted post: what the community no longer sees is not counted"


def post(post_id: int, number: int, user_id: int, username: str, **extra: object) -> object:
    """A post of topic 42 (or the topic given), its author at trust level 2 unless said."""
    extra.setdefault("trust_level", 2)
    topic = int(extra.pop("topic", 42))  # type: ignore[call-overload]
    return discourse_post(post_id, topic, number, user_id, username, **extra)


def first_export(folder: Path) -> Path:
    """The admin user list and one topic: staff, Discourse's own bot, a deleted post, a
    notice, a bad user row and a bad post."""
    folder.mkdir()
    rows = (
        discourse_user(-1, "system", name="System", trust_level=4, admin=True),
        discourse_user(5, "ada", name="Ada", trust_level=2),
        discourse_user(6, "bo", name="Bo", trust_level=4, admin=True),
        discourse_user(7, "cy", name="Cy", trust_level=2),
        "x8" + discourse_user(8, "di")[1:],
    )
    (folder / "users.csv").write_text("\n".join((DISCOURSE_USER_COLUMNS, *rows)) + "\n")
    discourse_topic(
        folder / "42.json",
        42,
        [
            post(100, 1, 5, "ada"),
            post(101, 2, 6, "bo", staff=True, admin=True, trust_level=4),
            post(102, 3, 7, "cy", deleted_at="2024-02-04T00:00:00Z"),
            post(103, 4, 6, "bo", post_type=3, staff=True, trust_level=4),
            post(104, 5, 5, "ada", created_at="soon"),
            post(105, 6, 5, "ada", reply_to_post_number=3),
            post(106, 7, -1, "system", trust_level=4),
        ],
    )
    return folder


@pytest.fixture(scope="module")
def first(runtime: Runtime, tmp_path_factory: pytest.TempPathFactory) -> FirstImport:
    """The first export imported."""
    folder = first_export(tmp_path_factory.mktemp("discourse") / "export")
    return first_import(runtime, "discourse", folder)


def test_users_and_posts_become_members_and_interactions(
    runtime: Runtime, first: FirstImport
) -> None:
    report, after = first.report, first.totals

    assert after == (4, 4)  # system, ada, bo, cy; posts 100, 101, 105, 106
    made = interactions(runtime, "discourse")
    ada = member(runtime, "discourse", "5")
    assert made["post:100"] == ("post", "42", datetime(2024, 2, 1, 10, tzinfo=UTC), ada.id)
    assert made["post:105"][:2] == ("reply", "42")  # a reply to a deleted post still counts
    assert made["post:101"][:2] == ("reply", "42") and "post:102" not in made
    assert failures(report) == {
        ("users.csv", "line 6"): "id 'x8' is not a whole number",
        ("42.json", "post 5 of topic 42"): "created_at 'soon' is not a date and time",
    }
    assert report.skipped[DELETED] == 1 and sum(report.skipped.values()) == 2
    assert ada.attributes["discourse.trust_level"] == 2 and ada.display_name == "Ada"
    assert flags(runtime, member(runtime, "discourse", "-1").id) == (True, True)  # an admin bot
    assert flags(runtime, member(runtime, "discourse", "6").id) == (False, True)
    assert flags(runtime, ada.id) == (False, False)


def test_the_same_export_and_an_overlapping_one_add_nothing_twice(
    runtime: Runtime,
    first: FirstImport,
    tmp_path: Path,
) -> None:
    folder, after = first.path, first.totals
    again = imported(runtime, "discourse", folder)
    assert (again.imported, again.members_created) == (0, 0)
    assert totals(runtime, "discourse") == after

    later = tmp_path / "later"
    later.mkdir()
    discourse_topic(later / "42.json", 42, [post(100, 1, 5, "ada"), post(107, 8, 7, "cy")])
    discourse_topic(later / "43.json", 43, [post(200, 1, 5, "ada", topic=43)])
    overlap = imported(runtime, "discourse", later)

    assert overlap.members_created == 0 and overlap.error_count == 0
    assert totals(runtime, "discourse") == (after[0], after[1] + 2)  # posts 107 and 200
    assert interactions(runtime, "discourse")["post:200"][:2] == ("post", "43")


def test_strict_applies_nothing_from_a_topic_with_a_bad_post(
    runtime: Runtime, tmp_path: Path
) -> None:
    path = discourse_topic(
        tmp_path / "44.json",
        44,
        [post(300, 1, 9, "eve", topic=44), post(301, 2, 9, "eve", topic=44, created_at=None)],
    )
    before = totals(runtime, "discourse")

    strict = imported(runtime, "discourse", path, strict=True)

    assert not strict.applied and strict.error_count == 1
    assert totals(runtime, "discourse") == before
    lenient = imported(runtime, "discourse", path)
    assert lenient.error_count == 1
    assert totals(runtime, "discourse") == (before[0] + 1, before[1] + 1)
