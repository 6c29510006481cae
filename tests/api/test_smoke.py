"""The server answers authenticated GraphQL over real HTTP."""

from __future__ import annotations

from tests.api.conftest import Api, unique

JOIN = """
mutation Join($input: JoinMemberInput!) {
  joinMember(input: $input) {
    __typename
    ... on MemberJoined { member { id displayName email identities { channel handle } } }
    ... on Error { message }
  }
}
"""


def test_join_then_read_your_write(api: Api, admin_key: str) -> None:
    handle = unique("ada")
    body = api.graphql(
        JOIN,
        {"input": {"displayName": "Ada", "identities": [{"channel": "DISCORD", "handle": handle}]}},
        key=admin_key,
    )
    result = body["data"]["joinMember"]
    assert result["__typename"] == "MemberJoined", body
    assert result["member"]["identities"] == [{"channel": "DISCORD", "handle": handle}]
