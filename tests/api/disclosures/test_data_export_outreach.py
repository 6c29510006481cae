"""The Art. 15 export over real HTTP holds what outreach keeps about the person: staff notes
with every version, their motivation, follow-up tasks about them and outreach to them, the
texts readable; another member's records stay out; the access is recorded as before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from api.auth import Role
from tests.api.conftest import Api, join, settle, succeed
from tests.api.disclosures.conftest import get
from tests.api.disclosures.test_data_export import MEMBER_DISCLOSURES, data_export
from tests.api.outreach import notes_helpers as notes
from tests.api.outreach import tasks_helpers as tasks
from tests.api.outreach.notes_helpers import staff_member

OUTREACH = """
mutation Record($input: RecordOutreachInput!) {
  recordOutreach(input: $input) { __typename ... on OutreachRecorded { outreachId } }
}
"""


def outreach_to(api: Api, key: str, member: str, staff: str, note: str, at: datetime) -> str:
    """recordOutreach by the staff member: the outreach's id."""
    values = {
        "memberId": member,
        "staffId": staff,
        "channel": "EMAIL",
        "purpose": "CHECK_IN",
        "note": note,
        "at": at.isoformat(),
    }
    body = api.graphql(OUTREACH, {"input": values}, key=key)
    result = body["data"]["recordOutreach"]
    assert result["__typename"] == "OutreachRecorded", body
    outreach: str = result["outreachId"]
    return outreach


def staff_records(api: Api, key: str, member: str, staff: str, words: str) -> dict[str, Any]:
    """A note (edited once), a motivation, a task and an outreach about the member."""
    added = notes.ok(
        api, "addMemberNote", {"memberId": member, "authorId": staff, "text": words}, key
    )
    edit = {"noteId": added["noteId"], "editedBy": staff, "expectedVersion": 1}
    notes.ok(api, "editMemberNote", edit | {"text": f"{words}, edited"}, key)
    motivation = {
        "memberId": member,
        "recordedBy": staff,
        "options": ["learn"],
        "text": f"{words}: to learn",
    }
    notes.ok(api, "recordMemberMotivation", motivation, key)
    task = {
        "memberId": member,
        "assigneeId": staff,
        "title": f"Call: {words}",
        "dueOn": "2030-01-02",
    }
    created = tasks.ok(api, "createFollowUpTask", task, key)
    at = datetime.now(UTC) - timedelta(days=40)  # its reply window is over: NO_RESPONSE
    outreach = outreach_to(api, key, member, staff, f"Mailed: {words}", at)
    return {"note": added["noteId"], "task": created["id"], "outreach": outreach, "at": at}


def test_the_access_export_holds_what_outreach_keeps_about_the_person(
    disclosures_api: Api, keys: dict[Role, str]
) -> None:
    api, admin, manager = disclosures_api, keys[Role.ADMIN], keys[Role.MANAGER]
    staff = staff_member(api, admin)
    ada, other = join(api, admin)["id"], join(api, admin)["id"]
    mine = staff_records(api, manager, ada, staff, "Ada likes Go")
    staff_records(api, manager, other, staff, "Other likes C")
    settle(api)

    document = data_export(api, ada, manager)
    (note,) = document["notes"]
    assert (note["noteId"], note["authorId"], note["text"]) == (
        mine["note"],
        staff,
        "Ada likes Go, edited",
    )
    assert (note["version"], note["editedBy"], note["link"]) == (2, staff, None)
    assert note["addedAt"] and note["editedAt"]
    assert [(v["version"], v["text"], v["writtenBy"]) for v in note["versions"]] == [
        (1, "Ada likes Go", staff),
        (2, "Ada likes Go, edited", staff),
    ]
    motivation = document["motivation"]
    assert (motivation["options"], motivation["text"], motivation["recordedBy"]) == (
        ["learn"],
        "Ada likes Go: to learn",
        staff,
    )
    (task,) = document["followUpTasks"]
    assert (task["taskId"], task["title"], task["status"]) == (
        mine["task"],
        "Call: Ada likes Go",
        "open",
    )
    assert (task["dueOn"], task["assigneeId"]) == ("2030-01-02", staff)
    (contact,) = document["outreach"]
    assert (contact["outreachId"], contact["purpose"], contact["channel"]) == (
        mine["outreach"],
        "check_in",
        "email",
    )
    assert (contact["note"], contact["staffId"], contact["outcome"]) == (
        "Mailed: Ada likes Go",
        staff,
        "no_response",
    )
    assert datetime.fromisoformat(contact["at"]) == mine["at"]
    # The other member's records are theirs alone.
    assert "Other likes C" not in str(document)

    # The access is recorded as a disclosure, as every access export is.
    assert document["export"]["exportId"]
    settle(api)
    body = api.graphql(MEMBER_DISCLOSURES, {"id": ada}, key=admin)
    edges = body["data"]["member"]["disclosures"]["edges"]
    assert [(e["node"]["id"], e["node"]["kind"]) for e in edges] == [
        (document["export"]["exportId"], "DATA_SUBJECT_ACCESS")
    ]


def test_a_member_staff_kept_nothing_about_exports_empty_sections(
    disclosures_api: Api, keys: dict[Role, str]
) -> None:
    api = disclosures_api
    member = join(api, keys[Role.ADMIN])["id"]
    document = data_export(api, member, keys[Role.ADMIN])
    assert (document["notes"], document["motivation"]) == ([], None)
    assert (document["followUpTasks"], document["outreach"]) == ([], [])


def test_an_erased_member_exports_nothing_of_outreach(
    disclosures_api: Api, keys: dict[Role, str]
) -> None:
    api, admin = disclosures_api, keys[Role.ADMIN]
    staff = staff_member(api, admin)
    gone = join(api, admin)["id"]
    staff_records(api, admin, gone, staff, "Gone likes Go")
    succeed(api, "eraseMember", {"memberId": gone}, key=admin)
    settle(api)
    response = get(api, f"/members/{gone}/data-export", admin)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"memberId", "erased", "erasedAt"}
    assert "Gone" not in response.text
