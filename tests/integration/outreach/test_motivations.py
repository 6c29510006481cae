"""Why members joined, on PostgreSQL: the latest answer, the filter, the summary, erasure."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from api.bootstrap import personal_data
from application.outreach.motivations import MotivationDesk
from application.runtime import Runtime
from domain.errors import InvalidField, MemberIsErased
from domain.members import commands as mc
from domain.outreach.commands_motivations import RecordMemberMotivation
from projections.members.queries import MemberFilter, MemberOrder, MemberQueries
from tests.integration.conftest import members_runner, rows
from tests.integration.members.test_erasure import plaintext_hits, raw_event_hits
from tests.integration.outreach.helpers import catch_up, joined, motivations, staff

pytestmark = pytest.mark.integration
MOTIVATIONS = "outreach_motivations"


def test_the_latest_answer_counts_in_the_filter_and_the_summary(runtime: Runtime) -> None:
    desk = MotivationDesk(runtime.community, ("learn", "network", "get_help"))
    by = staff(runtime)
    ana, bo, cy = (joined(runtime, n) for n in ("Ana", "Bo", "Cy"))
    earlier = datetime.now(UTC) - timedelta(days=3)

    def record(member: uuid.UUID, *options: str, **fields: object) -> None:
        desk.record(
            RecordMemberMotivation(
                member_id=member, recorded_by=by, options=list(options), **fields
            )
        )

    record(ana, "learn", "network", "learn", text="Wants to learn Rust")
    record(bo, "network", at=earlier)
    record(bo, "get_help")  # replaces Bo's earlier answer
    record(cy, text="A friend brought me")
    # An answer recorded late about an earlier moment does not replace a later one.
    record(ana, "get_help", at=earlier)
    catch_up(runtime, MOTIVATIONS)
    members_runner(runtime).catch_up()

    found = motivations(runtime).for_members([ana, bo, cy], reveal=True)
    assert found[ana]["options"] == ["learn", "network"]
    assert found[ana]["text"] == "Wants to learn Rust"
    assert (found[bo]["options"], found[bo]["text"]) == (["get_help"], None)
    assert (found[cy]["options"], found[cy]["text"]) == ([], "A friend brought me")
    hidden = motivations(runtime).for_members([ana], reveal=False)
    assert hidden[ana]["text"] is None and hidden[ana]["options"] == ["learn", "network"]

    summary = motivations(runtime).summary()
    assert (summary.answered, summary.with_text) == (3, 2)
    assert summary.per_option == {"learn": 1, "network": 1, "get_help": 1}

    members = MemberQueries(runtime.pool, personal_data(runtime))
    for option, expected in (("network", {ana}), ("get_help", {bo}), ("learn", {ana})):
        page = members.page(MemberFilter(motivation=option), MemberOrder.JOINED_AT_DESC, None, 50)
        assert {row["member_id"] for row in page.rows} == expected, option
        assert members.count(MemberFilter(motivation=option)) == len(expected)


def test_options_come_from_the_configured_list(runtime: Runtime) -> None:
    desk = MotivationDesk(runtime.community, ("learn", "network"))
    by, member = staff(runtime), joined(runtime)
    for options, text, message in (
        (["learn", "hiring"], None, "options: option 2 is not one of learn, network"),
        ([], None, "options: choose at least one option or give a text"),
    ):
        command = RecordMemberMotivation(
            member_id=member, recorded_by=by, options=options, text=text
        )
        with pytest.raises(InvalidField) as raised:
            desk.record(command)
        assert str(raised.value) == message
    with pytest.raises(InvalidField, match="recorded_by"):
        desk.record(RecordMemberMotivation(member_id=member, recorded_by=member, options=["learn"]))


def test_an_erased_member_s_answer_is_gone(runtime: Runtime) -> None:
    desk = MotivationDesk(runtime.community)
    by, member = staff(runtime), joined(runtime)
    secret = f"Left Vexholm for {uuid.uuid4().hex[:10]}"
    desk.record(
        RecordMemberMotivation(member_id=member, recorded_by=by, options=["learn"], text=secret)
    )
    catch_up(runtime, MOTIVATIONS)
    url = runtime.database_url
    assert raw_event_hits(url, (secret,)) == set() and plaintext_hits(url, (secret,)) == set()
    assert motivations(runtime).for_members([member], reveal=True)[member]["text"] == secret

    runtime.community.erase_member(mc.EraseMember(member_id=member))
    catch_up(runtime, MOTIVATIONS)

    assert motivations(runtime).for_members([member], reveal=True) == {}
    assert rows(url, "SELECT count(*) FROM member_motivations") == [(0,)]
    assert motivations(runtime).summary().answered == 0
    with pytest.raises(MemberIsErased):
        desk.record(RecordMemberMotivation(member_id=member, recorded_by=by, options=["learn"]))
