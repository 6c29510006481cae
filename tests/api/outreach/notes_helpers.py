"""Notes and motivations over HTTP: the documents and helpers their API tests share."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, join, succeed

NOTE = """
  id memberId authorId text link { kind id } addedAt editedAt editedBy memberErased version
  history { version text writtenBy at }
"""
ERRORS = """
  ... on Error { message }
  ... on ValidationFailed { fieldErrors { field message code } }
  ... on Conflict { code currentVersion }
  ... on Forbidden { requiredRoles }
  ... on NotFound { id }
"""
INPUTS = {
    "addMemberNote": ("AddMemberNoteInput", "MemberNoteAdded"),
    "editMemberNote": ("EditMemberNoteInput", "MemberNoteEdited"),
    "recordMemberMotivation": ("RecordMemberMotivationInput", "MemberMotivationRecorded"),
}
SUCCESS_FIELDS = {
    "addMemberNote": f"noteId version note {{ {NOTE} }}",
    "editMemberNote": f"noteId version note {{ {NOTE} }}",
    "recordMemberMotivation": "memberId motivation { options text recordedAt recordedBy }",
}
MEMBER_NOTES = f"query Notes($id: ID!) {{ member(id: $id) {{ id notes {{ {NOTE} }} }} }}"
MEMBER_MOTIVATION = """
query Motivation($id: ID!) { member(id: $id) { motivation { options text recordedBy } } }
"""
SUMMARY = "{ motivationSummary { answered withText options { option members } } }"
BY_MOTIVATION = """
query ByMotivation($motivation: String!) {
  members(filter: {motivation: $motivation}, first: 100) { totalCount nodes { id } }
}
"""


def run(api: Api, name: str, input: dict[str, Any], key: str) -> dict[str, Any]:
    """One notes or motivation mutation; its result (asserting no top-level errors)."""
    input_type, success = INPUTS[name]
    document = f"""
mutation Run($input: {input_type}!) {{
  {name}(input: $input) {{
    __typename
    ... on {success} {{ {SUCCESS_FIELDS[name]} }}
    {ERRORS}
  }}
}}
"""
    body = api.graphql(document, {"input": input}, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][name]
    return result


def ok(api: Api, name: str, input: dict[str, Any], key: str) -> dict[str, Any]:
    """A mutation that must succeed."""
    result = run(api, name, input, key)
    assert result["__typename"] == INPUTS[name][1], result
    return result


def staff_member(api: Api, key: str) -> str:
    """A new member marked as staff: an author of notes."""
    member = join(api, key)["id"]
    succeed(api, "markMemberAsStaff", {"memberId": member}, key=key)
    return str(member)
