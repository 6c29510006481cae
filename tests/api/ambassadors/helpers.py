"""GraphQL documents of the program, and helpers to run them over HTTP."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, join

# mutation name -> (input type, success type)
MUTATIONS = {
    "nominateAmbassador": ("NominateAmbassadorInput", "AmbassadorNominated"),
    "approveAmbassador": ("ApproveAmbassadorInput", "AmbassadorApproved"),
    "declineAmbassador": ("DeclineAmbassadorInput", "AmbassadorDeclined"),
    "changeAmbassadorTier": ("ChangeAmbassadorTierInput", "AmbassadorTierChanged"),
    "pauseAmbassador": ("PauseAmbassadorInput", "AmbassadorPaused"),
    "resumeAmbassador": ("ResumeAmbassadorInput", "AmbassadorResumed"),
    "renewAmbassador": ("RenewAmbassadorInput", "AmbassadorRenewed"),
    "retireAmbassador": ("RetireAmbassadorInput", "AmbassadorRetired"),
}

AMBASSADORSHIP = """
  memberId status tier nominatedAt nominatedBy since termEnds ruleVersion factors reason
  incidentId email version changedAt
  history { move status tier at actorId reason incidentId termEnds }
  activity { year quarter talks content referrals eventsHosted }
"""


def document(name: str) -> str:
    """The mutation's document: the success's ambassadorship, or the refusal's details."""
    input_type, success = MUTATIONS[name]
    return f"""
mutation Move($input: {input_type}!) {{
  {name}(input: $input) {{
    __typename
    ... on {success} {{ memberId version ambassadorship {{ {AMBASSADORSHIP} }} }}
    ... on AmbassadorMoveConflict {{ message code status move allowed }}
    ... on Error {{ message }}
    ... on Conflict {{ code currentVersion }}
    ... on ValidationFailed {{ fieldErrors {{ field message code }} }}
    ... on NotFound {{ id }}
    ... on Forbidden {{ requiredRoles }}
  }}
}}
"""


def move(api: Api, name: str, input: dict[str, Any], *, key: str) -> dict[str, Any]:
    """Run one program mutation; its result (no top-level errors allowed)."""
    body = api.graphql(document(name), {"input": input}, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][name]
    return result


def moved(api: Api, name: str, input: dict[str, Any], *, key: str) -> dict[str, Any]:
    """A move that must succeed: the ambassadorship after it."""
    result = move(api, name, input, key=key)
    assert result["__typename"] == MUTATIONS[name][1], result
    found: dict[str, Any] = result["ambassadorship"]
    assert found is not None, result
    return found


def member(api: Api, key: str, **fields: Any) -> str:
    """A new member's id."""
    found: str = join(api, key, **fields)["id"]
    return found


MEMBER_AMBASSADORSHIP = f"""
query One($id: ID!) {{ member(id: $id) {{ ambassadorship {{ {AMBASSADORSHIP} }} }} }}
"""


def ambassadorship_of(api: Api, member_id: str, *, key: str) -> dict[str, Any] | None:
    """member.ambassadorship as the key's role reads it."""
    body = api.graphql(MEMBER_AMBASSADORSHIP, {"id": member_id}, key=key)
    assert "errors" not in body, body
    found: dict[str, Any] | None = body["data"]["member"]["ambassadorship"]
    return found


LIST = f"""
query List($filter: AmbassadorFilterInput, $first: Int!, $after: String) {{
  ambassadors(filter: $filter, first: $first, after: $after) {{
    edges {{ cursor node {{ {AMBASSADORSHIP} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
