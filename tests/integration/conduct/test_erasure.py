"""An erased member's incidents keep their decisions, and nothing readable of them remains."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from application.runtime import Runtime
from domain.members import commands as mc
from projections.conduct.queries import SEALED as SEALED_COLUMNS
from tests.integration.conduct.helpers import Conduct, catch_up, joined, queries
from tests.integration.conftest import rows
from tests.integration.members.test_erasure import plaintext_hits, raw_event_hits

pytestmark = pytest.mark.integration
SEALED = ", ".join(SEALED_COLUMNS)


def test_erasure_leaves_nothing_readable_of_the_member_s_incidents(runtime: Runtime) -> None:
    conduct, member = Conduct(runtime), joined(runtime)
    mark = uuid.uuid4().hex[:10]
    secrets = (
        f"Threatened Vexholm {mark}",
        f"https://evidence.example/{mark}",
        f"Upheld because {mark}-u",
        f"Appealed because {mark}-a",
        f"Confirmed because {mark}-c",
    )
    incident = conduct.report(member, secrets[0], evidence_url=secrets[1])
    until = datetime.now(UTC) + timedelta(days=3)
    conduct.decide(
        incident, uphold=True, severity="suspension", suspended_until=until, reason=secrets[2]
    )
    conduct.appeal(incident, secrets[3])
    conduct.decide_appeal(incident, "upheld", reason=secrets[4])
    catch_up(runtime)
    url = runtime.database_url
    assert raw_event_hits(url, secrets) == set()
    sealed_before = rows(url, f"SELECT {SEALED} FROM conduct_incidents")
    # Sealed in the read model too: the values are ciphertext, not the words.
    assert all(v is not None and mark.encode() not in bytes(v) for v in sealed_before[0][:5])
    before = queries(runtime).by_id(incident)
    assert before is not None and before["appeal_decision_reason"] == secrets[4]

    runtime.community.erase_member(mc.EraseMember(member_id=member))
    catch_up(runtime)

    after = queries(runtime).by_id(incident)
    assert after is not None and after["member_erased"]
    opened = [after[k] for k in ("description", "evidence_url", "decision_reason")]
    assert opened + [after["appeal_reason"], after["appeal_decision_reason"]] == [None] * 5
    assert (after["status"], after["severity"]) == ("upheld", "suspension")
    assert rows(url, f"SELECT {SEALED} FROM conduct_incidents") == [(None,) * 5]
    assert rows(url, "SELECT count(*) FROM member_standing") == [(0,)]
    assert plaintext_hits(url, secrets) == set()
