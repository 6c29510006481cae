"""The deliverer: sends the outbox's due deliveries, each receiver on its own budget.

One dispatching thread claims the due rows of every active subscription in one statement
(at most `per_subscription` in flight for each, so a slow or dead receiver holds its own
slots and no one else's, and never more than the sending threads free), renders each event
once for all the subscriptions that get it, and hands the deliveries to a pool of sending
threads; a recording thread records outcomes as they come, one statement for all those
in. It never holds a database connection while a request is out: a claim is a lease, so a
deliverer killed mid-send leaves rows that another claims once the lease ends (sent again
with the same idempotency key). It runs beside the projections, never inside them: a
receiver can delay nothing but its own deliveries.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.metrics import WEBHOOK_ATTEMPT_SECONDS, WEBHOOK_DELIVERIES, WEBHOOK_LAG_SECONDS
from application.webhooks.ports import Contents, DeliveryQueue
from application.webhooks.sending import Attempt, HttpSender
from domain.webhooks.deliveries import Claimed, Outcome, Receiver
from domain.webhooks.retries import RetryPolicy
from domain.webhooks.signing import (
    ATTEMPT_HEADER,
    EVENT_HEADER,
    IDEMPOTENCY_HEADER,
    REPLAY_HEADER,
    SIGNATURE_HEADER,
    signature_header,
)

log = logging.getLogger(__name__)

# Roles whose receivers get personal data in payloads (as api.auth reads personal data).
PERSONAL_DATA_ROLES = frozenset({"admin", "manager"})


@dataclass(frozen=True)
class DelivererOptions:
    """How hard the deliverer works: threads, slots per receiver, leases and polling."""

    workers: int = 64
    per_subscription: int = 16
    timeout_seconds: float = 10.0
    poll_seconds: float = 1.0
    policy: RetryPolicy = RetryPolicy()

    @property
    def lease_seconds(self) -> float:
        """A claim outlives the longest attempt, so no live attempt is taken over."""
        return self.timeout_seconds * 2 + 1


class Deliverer:
    """Claims, signs, sends and records webhook deliveries until stopped."""

    def __init__(
        self,
        deliveries: DeliveryQueue,
        contents: Contents,
        secret: Callable[[UUID], str | None],
        sender: HttpSender,
        options: DelivererOptions,
        *,
        clock: Callable[[], datetime],
        listen: Callable[[threading.Event, threading.Event], None] | None = None,
    ) -> None:
        self.deliveries = deliveries
        self.contents = contents
        self.secret = secret
        self.sender = sender
        self.options = options
        self.clock = clock
        self.listen = listen
        self.stopping = threading.Event()
        self.wake = threading.Event()
        self._finished = threading.Event()  # an attempt's outcome waits to be recorded
        self._sent = threading.Event()  # stopping, and no attempt is out any more
        self._outcomes: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
        self._in_flight: dict[UUID, int] = defaultdict(int)
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(options.workers, thread_name_prefix="webhook")
        self._threads: list[threading.Thread] = []
        self._recorder: threading.Thread | None = None

    def start(self) -> None:
        """Run in background threads (the dispatcher, the recorder, the listener if any)."""
        self._spawn(self.run, "webhooks")
        self._recorder = self._spawn(self._record_until_sent, "webhooks-record")
        if self.listen is not None:
            listen = self.listen
            self._spawn(lambda: listen(self.wake, self.stopping), "webhooks-listen")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop claiming, let the attempts out finish (within their timeout), record them."""
        self.stopping.set()
        self.wake.set()
        for thread in self._threads:
            if thread is not self._recorder:
                thread.join(timeout)
        self._pool.shutdown(wait=True)
        self._sent.set()
        self._finished.set()
        if self._recorder is not None:
            self._recorder.join(timeout)
        self._record()
        self.sender.close()

    def run(self) -> None:
        """Dispatch until stopped; a failing database is logged and retried."""
        while not self.stopping.is_set():
            try:
                busy = self.turn()
            except Exception:
                log.exception("webhook deliverer failed; retrying")
                busy = False
                self.stopping.wait(self.options.poll_seconds)
            if not busy:
                self.wake.wait(self.options.poll_seconds)
                self.wake.clear()

    def turn(self) -> bool:
        """Claim for every receiver with a free slot in one go, rendering each event once;
        True when something was claimed (more may be due)."""
        if self.stopping.is_set():
            return False
        with self._lock:
            busy = {sid: n for sid, n in self._in_flight.items() if n}
        # No more than the idle threads: a claimed row never waits for a thread (its lease
        # running) behind a slow receiver's attempts.
        idle = self.options.workers - sum(busy.values())
        if idle <= 0:
            return False
        options = self.options
        claimed = self.deliveries.claim(busy, options.per_subscription, idle, options.lease_seconds)
        if not claimed:
            return False
        personal = {r.subscription_id for r, _ in claimed if r.role in PERSONAL_DATA_ROLES}
        bodies = self.contents.bodies([delivery for _, delivery in claimed], personal)
        with self._lock:
            for receiver, _ in claimed:
                self._in_flight[receiver.subscription_id] += 1
        for (receiver, delivery), body in zip(claimed, bodies, strict=True):
            self._pool.submit(self._attempt, receiver, delivery, body)
        return True

    def _attempt(self, receiver: Receiver, delivery: Claimed, body: bytes | None) -> None:
        """One POST of one delivery, its outcome queued for the recording thread."""
        started = time.perf_counter()
        try:
            attempt = self._send(receiver, delivery, body)
        except Exception as error:  # noqa: BLE001  (a bug must not lose the lease's outcome)
            log.exception("webhook attempt failed unexpectedly")
            attempt = Attempt(None, f"internal error: {type(error).__name__}")
        WEBHOOK_ATTEMPT_SECONDS.observe(time.perf_counter() - started)
        self._outcomes.put(self._outcome(delivery, attempt))
        with self._lock:
            self._in_flight[receiver.subscription_id] -= 1
        self._finished.set()
        self.wake.set()

    def _record_until_sent(self) -> None:
        """Record outcomes as attempts end, beside the claims (a member's next delivery is
        claimable once its previous one is recorded); a failing database is retried."""
        while not self._sent.is_set():
            self._finished.wait(self.options.poll_seconds)
            self._finished.clear()
            try:
                self._record()
            except Exception:
                log.exception("recording webhook outcomes failed; retrying")
                self._sent.wait(self.options.poll_seconds)
                continue
            self.wake.set()

    def _send(self, receiver: Receiver, delivery: Claimed, body: bytes | None) -> Attempt:
        if body is None:
            return Attempt(None, "the event is no longer in the log")
        secret = self.secret(receiver.subscription_id)
        if secret is None:
            return Attempt(None, "the subscription's secret is gone")
        timestamp = int(self.clock().timestamp())
        headers = {
            SIGNATURE_HEADER: signature_header(secret, timestamp, body),
            IDEMPOTENCY_HEADER: str(delivery.idempotency_key),
            EVENT_HEADER: delivery.event_type,
            ATTEMPT_HEADER: str(delivery.attempts),
        }
        if delivery.replayed:
            headers[REPLAY_HEADER] = "true"
        return self.sender.post(receiver.url, body, headers)

    def _outcome(self, delivery: Claimed, attempt: Attempt) -> Outcome:
        """Delivered; else retried with backoff; else, after a day of retries, failed."""
        now = self.clock()
        common = (delivery.subscription_id, delivery.notification_id, delivery.lease)
        if attempt.delivered:
            WEBHOOK_DELIVERIES.labels("delivered").inc()
            WEBHOOK_LAG_SECONDS.observe(max(0.0, (now - delivery.occurred_at).total_seconds()))
            return Outcome(*common, "delivered", now, status_code=attempt.status_code)
        retry_at = self.options.policy.next_attempt(
            attempts=delivery.attempts, first_attempt_at=delivery.first_attempt_at, now=now
        )
        WEBHOOK_DELIVERIES.labels("retry" if retry_at else "failed").inc()
        status = "pending" if retry_at else "failed"
        return Outcome(*common, status, now, retry_at, attempt.status_code, attempt.error)

    def _record(self) -> None:
        outcomes: list[Outcome] = []
        while True:
            try:
                outcomes.append(self._outcomes.get_nowait())
            except queue.Empty:
                break
        if not outcomes:
            return
        try:
            self.deliveries.record(outcomes)
        except Exception:
            for outcome in outcomes:  # recorded on the next turn, unless the lease ran out
                self._outcomes.put(outcome)
            raise

    def _spawn(self, target: Callable[[], None], name: str) -> threading.Thread:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)
        return thread
