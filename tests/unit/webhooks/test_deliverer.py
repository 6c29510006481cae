"""The deliverer's budgets: a dead receiver holds its own slots, the others go on."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Mapping, Sequence, Set
from datetime import UTC, datetime
from uuid import UUID

from application.webhooks.deliverer import Deliverer, DelivererOptions
from application.webhooks.sending import Attempt, HttpSender
from domain.webhooks.deliveries import Claimed, Outcome, Receiver

DEAD, LIVE = (
    Receiver(uuid.uuid4(), "http://dead/", "admin"),
    Receiver(uuid.uuid4(), "http://live/", "admin"),
)


class Outbox:
    """Pending deliveries in log order, claimed within the budgets the deliverer passes."""

    def __init__(self, per_receiver: int) -> None:
        now = datetime.now(UTC)
        self.pending = [
            (
                r,
                Claimed(
                    r.subscription_id,
                    n,
                    "member.joined",
                    uuid.uuid4(),
                    uuid.uuid4(),
                    1,
                    1,
                    now,
                    now,
                    False,
                ),
            )
            for n in range(per_receiver)
            for r in (DEAD, LIVE)
        ]
        self.recorded: list[Outcome] = []

    def claim(
        self, busy: Mapping[UUID, int], per_subscription: int, limit: int, lease_seconds: float
    ) -> list[tuple[Receiver, Claimed]]:
        taken: list[tuple[Receiver, Claimed]] = []
        for receiver, delivery in list(self.pending):
            sid = receiver.subscription_id
            if busy.get(sid, 0) + sum(r is receiver for r, _ in taken) < per_subscription:
                taken.append((receiver, delivery))
        taken = taken[:limit]
        for pair in taken:
            self.pending.remove(pair)
        return taken

    def record(self, outcomes: list[Outcome]) -> None:
        self.recorded.extend(outcomes)

    def replay(self, subscription_id: UUID, from_position: int) -> tuple[int, int | None]:
        raise NotImplementedError


class Bodies:
    def bodies(self, claimed: Sequence[Claimed], personal: Set[UUID]) -> list[bytes | None]:
        return [b"{}" for _ in claimed]


class Sender(HttpSender):
    """The dead receiver never answers until released; the live one answers at once."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.live = 0

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Attempt:
        if url == DEAD.url:
            self.release.wait(10)
            return Attempt(None, "timed out")
        self.live += 1
        return Attempt(204, None)

    def close(self) -> None:
        self.release.set()


def test_a_dead_receiver_holds_its_own_slots_and_the_live_one_gets_everything() -> None:
    outbox, sender = Outbox(per_receiver=50), Sender()
    options = DelivererOptions(workers=4, per_subscription=2, poll_seconds=0.05)
    deliverer = Deliverer(
        outbox, Bodies(), lambda _: "secret", sender, options, clock=lambda: datetime.now(UTC)
    )
    deliverer.start()
    deadline = time.monotonic() + 10
    while sender.live < 50 and time.monotonic() < deadline:
        time.sleep(0.01)
    delivered_while_dead = sender.live
    dead_out = sum(r is DEAD for r, _ in outbox.pending)
    sender.release.set()
    deliverer.stop()
    assert delivered_while_dead == 50
    assert dead_out == 48  # two attempts out to the dead receiver, no more claimed
