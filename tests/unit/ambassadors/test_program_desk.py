"""The program desk: each move through the Community, and each refusal, typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from pydantic import ValidationError

from application.ambassadors.expiry import ExpirySchedule
from domain.ambassadors import IllegalProgramMove, ProgramMove, ProgramStatus
from domain.ambassadors import commands as ac
from domain.ambassadors.ambassadorship import Ambassadorship
from domain.ambassadors.errors import AmbassadorshipVersionMismatch, NotEligible
from domain.ambassadors.events import Nominated, Retired
from domain.errors import ConflictError, MemberIsErased, MemberNotFound
from domain.members import commands as mc
from tests.unit.ambassadors.desk import START, TERM, ProgramWorld


@pytest.fixture
def world() -> ProgramWorld:
    return ProgramWorld()


def status(world: ProgramWorld, member_id: UUID) -> ProgramStatus | None:
    record = world.desk.get(member_id)
    return record.status if record is not None else None


def events(world: ProgramWorld, member_id: UUID) -> list[object]:
    record_id = Ambassadorship.id_for(member_id)
    return list(world.community.events.get(record_id))


def test_nominate_keeps_the_candidacy_snapshot(world: ProgramWorld) -> None:
    member = world.nominate()
    assert status(world, member) is ProgramStatus.NOMINATED
    nominated = [e for e in events(world, member) if isinstance(e, Nominated)]
    assert len(nominated) == 1 and nominated[0].nominated_by == world.manager
    assert (nominated[0].rule_version, nominated[0].factors) == (
        "r2",
        {"engagement": 71.0, "breadth": 3},
    )
    assert world.snapshots.asked == [member]


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda w: uuid4(), MemberNotFound),
        (lambda w: w.member(staff=True), NotEligible),
        (lambda w: w.member(bot=True), NotEligible),
    ],
    ids=["unknown", "staff", "bot"],
)
def test_nominate_refuses_who_cannot_be_an_ambassador(
    world: ProgramWorld, make: Callable[[ProgramWorld], UUID], error: type[Exception]
) -> None:
    member = make(world)
    with pytest.raises(error):
        world.nominate(member)
    assert world.desk.get(member) is None and world.snapshots.asked == []


def test_nominate_refuses_members_who_left_or_were_erased(world: ProgramWorld) -> None:
    left, erased = world.member(), world.member()
    world.community.mark_member_left(mc.MarkMemberLeft(member_id=left))
    world.community.erase_member(mc.EraseMember(member_id=erased))
    with pytest.raises(NotEligible, match="has left"):
        world.nominate(left)
    with pytest.raises(MemberIsErased):
        world.nominate(erased)
    assert world.desk.get(left) is None and world.desk.get(erased) is None


def test_a_move_by_an_unknown_actor_is_refused(world: ProgramWorld) -> None:
    member = world.nominate()
    with pytest.raises(MemberNotFound):
        world.desk.approve(ac.ApproveAmbassador(member_id=member, by=uuid4(), tier="gold"))
    assert status(world, member) is ProgramStatus.NOMINATED


def test_a_move_of_an_unknown_member_is_not_found(world: ProgramWorld) -> None:
    with pytest.raises(MemberNotFound):
        world.retire(uuid4())


def test_approve_starts_a_term_of_the_configured_length(world: ProgramWorld) -> None:
    member = world.nominate()
    change = world.approve(member, "gold")
    record = change.ambassadorship
    assert (record.status, record.tier, record.term_ends) == (
        ProgramStatus.ACTIVE,
        "gold",
        START + TERM,
    )
    assert change.position is not None  # where the read model shows it (read your writes)


def test_decline_then_a_new_nomination(world: ProgramWorld) -> None:
    member = world.nominate()
    world.desk.decline(ac.DeclineAmbassador(member_id=member, by=world.manager, reason="later"))
    assert status(world, member) is ProgramStatus.DECLINED
    world.nominate(member)
    assert status(world, member) is ProgramStatus.NOMINATED


def test_tier_pause_resume_renew_retire(world: ProgramWorld) -> None:
    member = world.active("silver")
    world.desk.change_tier(ac.ChangeAmbassadorTier(member_id=member, by=world.manager, tier="gold"))
    again = ac.ChangeAmbassadorTier(member_id=member, by=world.manager, tier="gold")
    assert world.desk.change_tier(again).position is None  # the same tier records nothing
    world.pause(member)
    assert status(world, member) is ProgramStatus.PAUSED
    world.desk.resume(ac.ResumeAmbassador(member_id=member, by=world.manager))
    assert status(world, member) is ProgramStatus.ACTIVE
    world.clock.now += timedelta(days=10)
    record = world.renew(member).ambassadorship
    assert record.term_ends == START + 2 * TERM  # from the end of the term, not from now
    world.retire(member)
    assert status(world, member) is ProgramStatus.RETIRED


# Every illegal move from each status reached through the desk: (how to get there, move).
ILLEGAL: list[tuple[str, ProgramMove]] = [
    *[("outside", m) for m in ProgramMove if m not in (ProgramMove.NOMINATE, ProgramMove.EXPIRE)],
    ("nominated", ProgramMove.NOMINATE),
    ("nominated", ProgramMove.CHANGE_TIER),
    ("nominated", ProgramMove.PAUSE),
    ("nominated", ProgramMove.RESUME),
    ("nominated", ProgramMove.RENEW),
    ("nominated", ProgramMove.RETIRE),
    ("active", ProgramMove.NOMINATE),
    ("active", ProgramMove.APPROVE),
    ("active", ProgramMove.DECLINE),
    ("active", ProgramMove.RESUME),
    ("paused", ProgramMove.PAUSE),
    ("paused", ProgramMove.APPROVE),
    ("declined", ProgramMove.APPROVE),
    ("declined", ProgramMove.RETIRE),
    ("retired", ProgramMove.RESUME),
    ("retired", ProgramMove.RENEW),
    ("retired", ProgramMove.RETIRE),
]


def reach(world: ProgramWorld, where: str) -> UUID:
    """A member standing at `where` in the program."""
    if where == "outside":
        return world.member()
    member = world.nominate()
    if where == "declined":
        world.desk.decline(ac.DeclineAmbassador(member_id=member, by=world.manager, reason="no"))
    if where in ("active", "paused", "retired"):
        world.approve(member)
    if where == "paused":
        world.pause(member)
    if where == "retired":
        world.retire(member)
    return member


def run(world: ProgramWorld, member: UUID, move: ProgramMove) -> None:
    """Ask the desk for a move, with whatever the move needs."""
    base = {"member_id": member, "by": world.manager}
    desk = world.desk
    calls: dict[ProgramMove, Callable[[], object]] = {
        ProgramMove.NOMINATE: lambda: desk.nominate(ac.NominateAmbassador(**base)),
        ProgramMove.APPROVE: lambda: desk.approve(ac.ApproveAmbassador(**base, tier="gold")),
        ProgramMove.DECLINE: lambda: desk.decline(ac.DeclineAmbassador(**base, reason="no")),
        ProgramMove.CHANGE_TIER: lambda: desk.change_tier(
            ac.ChangeAmbassadorTier(**base, tier="silver")
        ),
        ProgramMove.PAUSE: lambda: desk.pause(ac.PauseAmbassador(**base)),
        ProgramMove.RESUME: lambda: desk.resume(ac.ResumeAmbassador(**base)),
        ProgramMove.RENEW: lambda: desk.renew(ac.RenewAmbassador(**base)),
        ProgramMove.RETIRE: lambda: desk.retire(ac.RetireAmbassador(**base, reason="no")),
    }
    calls[move]()


@pytest.mark.parametrize(("where", "move"), ILLEGAL, ids=[f"{w}-{m}" for w, m in ILLEGAL])
def test_illegal_moves_are_typed_conflicts_and_record_nothing(
    world: ProgramWorld, where: str, move: ProgramMove
) -> None:
    member = reach(world, where)
    before = len(events(world, member)) if where != "outside" else 0
    with pytest.raises(IllegalProgramMove) as refused:
        run(world, member, move)
    assert isinstance(refused.value, ConflictError)
    assert refused.value.move is move
    expected = None if where == "outside" else ProgramStatus(where)
    assert refused.value.status is expected
    after = len(events(world, member)) if world.desk.get(member) else 0
    assert after == before


def test_a_stale_expected_version_is_refused(world: ProgramWorld) -> None:
    member = world.active()
    version = world.desk.get(member).version  # type: ignore[union-attr]
    world.pause(member)
    with pytest.raises(AmbassadorshipVersionMismatch) as refused:
        world.desk.resume(
            ac.ResumeAmbassador(member_id=member, by=world.manager, expected_version=version)
        )
    assert refused.value.actual == version + 1
    world.desk.resume(
        ac.ResumeAmbassador(member_id=member, by=world.manager, expected_version=version + 1)
    )
    assert status(world, member) is ProgramStatus.ACTIVE


def test_a_concurrent_writer_makes_the_move_act_again_on_its_state(world: ProgramWorld) -> None:
    member = world.active("silver")
    seen: list[int] = []

    def act(record: Ambassadorship) -> None:
        seen.append(record.version)
        if len(seen) == 1:
            world.renew(member)  # another writer saves first
        record.change_tier("gold", by=world.manager)

    change = world.desk.store.change(member, None, act)
    assert seen == [seen[0], seen[0] + 1]
    assert (change.ambassadorship.tier, change.ambassadorship.term_ends) == (
        "gold",
        START + 2 * TERM,
    )


@pytest.mark.parametrize("where", ["active", "paused"])
def test_retire_for_conduct_retires_a_running_ambassadorship(
    world: ProgramWorld, where: str
) -> None:
    member, incident = reach(world, where), uuid4()
    assert world.desk.retire_for_conduct(member, incident, world.manager) is True
    assert status(world, member) is ProgramStatus.RETIRED
    retired = [e for e in events(world, member) if isinstance(e, Retired)]
    assert retired[-1].incident_id == incident and str(incident) in retired[-1].reason


@pytest.mark.parametrize("where", ["outside", "nominated", "declined", "retired"])
def test_retire_for_conduct_leaves_others_alone(world: ProgramWorld, where: str) -> None:
    member = reach(world, where)
    before = len(events(world, member)) if where != "outside" else 0
    assert world.desk.retire_for_conduct(member, uuid4(), None) is False
    assert world.desk.get(member) is None if where == "outside" else True
    assert (len(events(world, member)) if where != "outside" else 0) == before


def test_an_erased_members_ambassadorship_takes_no_reasons(world: ProgramWorld) -> None:
    member = world.active()
    world.community.erase_member(mc.EraseMember(member_id=member))
    with pytest.raises(MemberIsErased):
        world.retire(member)
    assert world.desk.retire_for_conduct(member, uuid4(), world.manager) is False
    assert status(world, member) is ProgramStatus.ACTIVE


def test_reasons_are_sealed_under_the_members_key(world: ProgramWorld) -> None:
    member = world.active()
    world.retire(member)
    retired = [e for e in events(world, member) if isinstance(e, Retired)]
    assert retired[-1].reason == "moved on"
    world.community.keyring.shred([member])  # as an erasure does
    retired = [e for e in events(world, member) if isinstance(e, Retired)]
    assert retired[-1].reason is None and status(world, member) is ProgramStatus.RETIRED


def test_expire_due_ends_unrenewed_terms_only_once(world: ProgramWorld) -> None:
    unrenewed, renewed, paused = world.active(), world.active(), world.active()
    world.pause(paused)
    nominated = world.nominate()
    world.clock.now = START + TERM - timedelta(seconds=1)
    assert world.desk.expire_due(world.clock.now) == 0  # nothing ended yet
    world.renew(renewed)
    world.clock.now = START + TERM
    assert world.desk.expire_due(world.clock.now) == 2
    assert status(world, unrenewed) is ProgramStatus.EXPIRED
    assert status(world, paused) is ProgramStatus.EXPIRED
    assert status(world, renewed) is ProgramStatus.ACTIVE
    assert status(world, nominated) is ProgramStatus.NOMINATED
    versions = [world.desk.get(m).version for m in (unrenewed, paused)]  # type: ignore[union-attr]
    assert world.desk.expire_due(world.clock.now) == 0  # a second run changes nothing
    assert [world.desk.get(m).version for m in (unrenewed, paused)] == versions  # type: ignore[union-attr]


def test_the_expiry_schedule_runs_when_due_only(world: ProgramWorld) -> None:
    member = world.active()
    world.clock.now = START + TERM + timedelta(days=1)
    schedule = ExpirySchedule(world.desk, 3600.0, world.clock)
    assert schedule.run_if_due() == 1
    assert schedule.run_if_due() is None  # not due again within the hour
    assert status(world, member) is ProgramStatus.EXPIRED


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"tier": ""}, "tier"),
        ({"tier": "x" * 51}, "tier"),
        ({"tier": "gold\x00"}, "tier"),
        ({"tier": "gold\u202e"}, "tier"),
        ({"tier": "gold", "expected_version": 0}, "expected_version"),
        ({"tier": "gold", "extra": 1}, "extra"),
    ],
)
def test_commands_refuse_bad_input_naming_the_field(fields: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ac.ApproveAmbassador(member_id=uuid4(), by=uuid4(), **fields)  # type: ignore[arg-type]
    assert field in {str(e["loc"][0]) for e in refused.value.errors()}


def test_reasons_are_required_where_the_program_asks_why() -> None:
    for command in (ac.DeclineAmbassador, ac.RetireAmbassador):
        with pytest.raises(ValidationError, match="reason"):
            command(member_id=uuid4(), by=uuid4(), reason="   ")
    assert ac.PauseAmbassador(member_id=uuid4(), by=uuid4()).reason is None
    assert ac.ApproveAmbassador(member_id=uuid4(), by=uuid4(), tier="  Gold   tier ").tier == (
        "Gold tier"
    )
