"""`crm import github` on PostgreSQL: a REST export, again, an overlapping archive, --strict."""

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
    gh_event,
    github_comment,
    github_issue,
    github_user,
    write_archive,
    write_json,
)

pytestmark = pytest.mark.integration
ANA, BO, OWNER = github_user("ana", 100), github_user("bo", 101), github_user("own", 102)
BOT = github_user("dependabot[bot]", 49699333, "Bot")
ISSUE_7 = "acme/widget#7"


@pytest.fixture(scope="module")
def first(runtime: Runtime, tmp_path_factory: pytest.TempPathFactory) -> FirstImport:
    """Issues, pull requests and a comment as the REST API lists them, one item broken."""
    path = write_json(
        tmp_path_factory.mktemp("github") / "issues.json",
        [
            github_issue(7, ANA),
            github_issue(8, BOT, pull=True),
            github_comment(555, 7, BO),  # author association MEMBER: staff
            {"title": "no number, no issue_url"},
            github_issue(9, OWNER, association="OWNER", pull=True),
        ],
    )
    return first_import(runtime, "github", path)


def test_issues_pull_requests_and_comments_become_members_and_interactions(
    runtime: Runtime, first: FirstImport
) -> None:
    report, after = first.report, first.totals

    assert after == (4, 4)
    made = interactions(runtime, "github")
    ana = member(runtime, "github", "100")
    assert made[ISSUE_7] == ("issue", ISSUE_7, datetime(2024, 3, 1, 12, tzinfo=UTC), ana.id)
    assert made["acme/widget#8"][:2] == ("pull_request", "acme/widget#8")
    assert made["issue-comment:555"][:2] == ("reply", ISSUE_7)
    assert list(failures(report)) == [("issues.json", "item 4")]
    assert flags(runtime, member(runtime, "github", "49699333").id) == (True, False)
    assert flags(runtime, member(runtime, "github", "101").id) == (False, True)
    assert flags(runtime, member(runtime, "github", "102").id) == (False, True)
    assert flags(runtime, ana.id) == (False, False)
    assert ana.attributes["github.handle"] == "ana"


def test_the_same_export_and_an_overlapping_archive_add_nothing_twice(
    runtime: Runtime, first: FirstImport, tmp_path: Path
) -> None:
    path, after = first.path, first.totals
    again = imported(runtime, "github", path)
    assert (again.imported, again.members_created) == (0, 0)
    assert totals(runtime, "github") == after

    comment = {"id": 556, "created_at": "2024-03-04T09:00:00Z", "author_association": "NONE"}
    archive = write_archive(
        tmp_path / "2024-03-04-9.json.gz",
        [
            gh_event(
                "IssuesEvent", "ana", 100, {"action": "opened", "issue": github_issue(7, ANA)}
            ),
            gh_event(
                "IssueCommentEvent",
                "ana",
                100,
                {"action": "created", "issue": github_issue(7, ANA), "comment": comment},
            ),
            gh_event("WatchEvent", "cy", 103, {"action": "started"}),
        ],
        extra_lines="{not json\n",
    )
    overlap = imported(runtime, "github", archive)

    # The comment is new; issue 7 and ana (the same user, unchanged) were there already.
    assert (overlap.imported, overlap.duplicates) == (1, 2)
    assert list(failures(overlap)) == [("2024-03-04-9.json.gz", "line 4")]
    assert sum(overlap.skipped.values()) == 1  # the star
    assert totals(runtime, "github") == (after[0], after[1] + 1)
    assert interactions(runtime, "github")["issue-comment:556"][:2] == ("reply", ISSUE_7)


def test_strict_applies_nothing_from_a_file_with_a_bad_item(
    runtime: Runtime, tmp_path: Path
) -> None:
    zed = github_user("zed", 300)
    path = write_json(tmp_path / "more.json", [github_issue(20, zed), {"number": "twenty"}])
    before = totals(runtime, "github")

    strict = imported(runtime, "github", path, strict=True)

    assert not strict.applied and list(failures(strict)) == [("more.json", "item 2")]
    assert totals(runtime, "github") == before
    assert imported(runtime, "github", path).error_count == 1
    assert totals(runtime, "github") == (before[0] + 1, before[1] + 1)
