"""The committed schema is the served schema, and the server exposes its metrics."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

import api.graphql.schema
from api.cli.common import app  # the package registers every command, export-schema included
from api.graphql.schema import SCHEMA_FILE, build_schema, schema_sdl
from tests.api.conftest import Api, join

MUTATIONS = {
    "joinMember",
    "mergeMembers",
    "unmergeMembers",
    "acceptIdentityMatch",
    "rejectIdentityMatch",
    "updateMemberProfile",
    "linkIdentity",
    "unlinkIdentity",
    "tagMember",
    "untagMember",
    "markMemberAsStaff",
    "markMemberAsBot",
    "markMemberLeft",
    "rejoinMember",
    "eraseMember",
    "recordInteraction",
    "submitFeedback",
    "triageFeedback",
    "respondToFeedback",
    "supportFeedback",
    "withdrawFeedbackSupport",
    "changeFeedbackStatus",
    "markFeedbackDuplicate",
    "unmarkFeedbackDuplicate",
    "linkFeedbackToTracker",
    "unlinkFeedbackFromTracker",
    "recordFeedbackLoopClosed",
    "nominateAmbassador",
    "approveAmbassador",
    "declineAmbassador",
    "changeAmbassadorTier",
    "pauseAmbassador",
    "resumeAmbassador",
    "renewAmbassador",
    "retireAmbassador",
    "registerConsentText",
    "giveConsent",
    "withdrawConsent",
    "reportConductIncident",
    "reviewConductIncident",
    "decideConductIncident",
    "appealConductIncident",
    "decideConductAppeal",
    "annotateActivitySpike",
    "addMemberNote",
    "editMemberNote",
    "recordMemberMotivation",
    "createFollowUpTask",
    "completeFollowUpTask",
    "reopenFollowUpTask",
    "cancelFollowUpTask",
    "recordOutreach",
    "scheduleCommunityEvent",
    "rescheduleCommunityEvent",
    "registerForEvent",
    "checkInToEvent",
    "cancelCommunityEvent",
    "createWebhookSubscription",
    "pauseWebhookSubscription",
    "resumeWebhookSubscription",
    "deleteWebhookSubscription",
    "replayWebhookDeliveries",
}
INTROSPECT = """
{
  __schema {
    queryType { fields { name } }
    mutationType { fields { name type { kind name } } }
  }
}
"""


def test_committed_schema_matches_the_code() -> None:
    """api/schema.graphql is what `crm export-schema` writes today (no drift)."""
    assert SCHEMA_FILE.exists(), "run `crm export-schema` and commit api/schema.graphql"
    committed, exported = SCHEMA_FILE.read_text(), schema_sdl()
    drift = "".join(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            exported.splitlines(keepends=True),
            "api/schema.graphql (committed)",
            "crm export-schema (now)",
        )
    )
    assert committed == exported, (
        f"api/schema.graphql is out of date: run `crm export-schema` and review:\n{drift}"
    )


def _check_schema(committed: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Exit code of `crm export-schema --check` with `committed` as the committed file."""
    monkeypatch.setattr(api.graphql.schema, "SCHEMA_FILE", committed)
    return CliRunner().invoke(app, ["export-schema", "--check"]).exit_code


def test_the_schema_check_fails_when_the_committed_file_differs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check CI and this module rely on passes on the exported text and nothing else."""
    exported = schema_sdl()
    committed = tmp_path / "schema.graphql"
    assert _check_schema(committed, monkeypatch) == 1, "a missing file must fail"
    committed.write_text(exported)
    assert _check_schema(committed, monkeypatch) == 0
    changed = {
        "a field removed": exported.replace("  node(id: ID!): Node\n", "", 1),
        "a description edited": exported.replace("Stable member id", "Member id", 1),
        "a trailing newline added": exported + "\n",
    }
    for what, text in changed.items():
        assert text != exported, what
        committed.write_text(text)
        assert _check_schema(committed, monkeypatch) == 1, what
        assert committed.read_text() == text, "--check must not rewrite the file"


def test_served_schema_is_the_committed_one(api: Api, admin_key: str) -> None:
    """The server answers the queries and mutations the committed schema lists."""
    body = api.graphql(INTROSPECT, key=admin_key)
    assert "errors" not in body, body
    schema = body["data"]["__schema"]
    queries = {field["name"] for field in schema["queryType"]["fields"]}
    assert queries == {
        "member",
        "memberByIdentity",
        "members",
        "identityMatchSuggestions",
        "topMembers",
        "atRiskMembers",
        "simulateAtRiskRule",
        "backtestAtRiskRule",
        "ambassadorCandidates",
        "candidacyRule",
        "simulateCandidacyRule",
        "feedbackItems",
        "feedbackItem",
        "feedbackSummary",
        "responseTimes",
        "feedbackChanges",
        "ambassadors",
        "consentTexts",
        "conductIncidents",
        "conductIncident",
        "exports",
        "communityHealth",
        "cohortRetention",
        "activitySpikes",
        "motivationSummary",
        "tasks",
        "followUpTask",
        "topDiscussions",
        "outreachLog",
        "outreachEffectiveness",
        "newcomersToWelcome",
        "timeToWelcome",
        "communityEvents",
        "communityEvent",
        "webhookSubscriptions",
        "webhookDeliveries",
        "node",
    }
    mutations = {f["name"]: f["type"] for f in schema["mutationType"]["fields"]}
    assert set(mutations) == MUTATIONS
    for name, type_ in mutations.items():
        assert type_["kind"] == "NON_NULL", name
    committed = SCHEMA_FILE.read_text()
    for name in MUTATIONS:
        assert re.search(rf"^  {name}\(input: ", committed, re.MULTILINE), name


def test_metrics_report_projection_lag(api: Api, admin_key: str) -> None:
    """/metrics is Prometheus text with the members projection's position and lag."""
    join(api, admin_key)
    response = api.client.get(
        f"{api.url}/metrics", headers={"Authorization": f"Bearer {admin_key}"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {
        (sample.name, sample.labels.get("projection")): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }
    head = samples["crm_event_log_head", None]
    position = samples["crm_projection_position", "members"]
    assert head >= 1
    assert 0 <= position <= head
    assert samples["crm_projection_lag_events", "members"] == head - position


def test_every_type_and_field_has_a_description() -> None:
    """Clients read the schema as its documentation: nothing public goes undescribed."""
    schema = build_schema()._schema
    missing = []
    for name, kind in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not kind.description:
            missing.append(name)
        for field_name, field in getattr(kind, "fields", {}).items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
    assert missing == []
