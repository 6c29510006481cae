"""Consent over HTTP: the documents and helpers the consent tests and its users share."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, unique

ERRORS = """
  ... on Error { message }
  ... on ValidationFailed { fieldErrors { field code } }
  ... on Conflict { code }
  ... on Forbidden { requiredRoles }
  ... on NotFound { id }
"""
PROOF = "textVersion text textSha256 source at recordedBy expiresAt"
HISTORY = "given textVersion source at recordedBy recordedWith expiresAt note"
CONSENT = f"purpose state holds proof {{ {PROOF} }} history {{ {HISTORY} }}"
REGISTER = f"""
mutation Run($input: RegisterConsentTextInput!) {{
  registerConsentText(input: $input) {{
    __typename
    ... on ConsentTextRegistered {{ text {{ purpose version text sha256 registeredAt }} }}
    ... on ConsentTextAlreadyRegistered {{ code purpose version }}
    {ERRORS}
  }}
}}
"""
GIVE = f"""
mutation Run($input: GiveConsentInput!) {{
  giveConsent(input: $input) {{
    __typename
    ... on ConsentGiven {{ memberId version consent {{ {CONSENT} }} }}
    {ERRORS}
  }}
}}
"""
WITHDRAW = f"""
mutation Run($input: WithdrawConsentInput!) {{
  withdrawConsent(input: $input) {{
    __typename
    ... on ConsentWithdrawn {{ memberId version consent {{ {CONSENT} }} }}
    {ERRORS}
  }}
}}
"""


def run(api: Api, document: str, input: dict[str, Any], key: str) -> dict[str, Any]:
    """One consent mutation's result (asserting no top-level errors)."""
    body = api.graphql(document, {"input": input}, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = next(iter(body["data"].values()))
    return result


def registered(api: Api, key: str, purpose: str = "MARKETING_EMAIL") -> tuple[str, str]:
    """A new text version of the purpose: (version, wording)."""
    version, wording = unique("v"), unique("Yes, e-mail me the newsletter. ")
    result = run(api, REGISTER, {"purpose": purpose, "version": version, "text": wording}, key)
    assert result["__typename"] == "ConsentTextRegistered", result
    return version, wording


def give_consent(api: Api, key: str, member_id: str, version: str, **fields: Any) -> None:
    """giveConsent to MARKETING_EMAIL's text `version`, from a form unless `fields` say."""
    given = {"memberId": member_id, "purpose": "MARKETING_EMAIL", "textVersion": version}
    result = run(api, GIVE, given | {"source": "FORM"} | fields, key)
    assert result["__typename"] == "ConsentGiven", result


def withdraw_consent(api: Api, key: str, member_id: str) -> None:
    """withdrawConsent from MARKETING_EMAIL, by a form."""
    withdrawal = {"memberId": member_id, "purpose": "MARKETING_EMAIL", "source": "FORM"}
    result = run(api, WITHDRAW, withdrawal, key)
    assert result["__typename"] == "ConsentWithdrawn", result
