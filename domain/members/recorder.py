"""What Member's command mixins (labels, membership, consents) count on the aggregate for."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


class Recorder:
    """Base of Member's command mixins: the aggregate records their events, and refuses
    changes to an erased or merged member (domain/members/member.py)."""

    if TYPE_CHECKING:

        def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None:
            """Record an event of this class on the aggregate (the library's method)."""

        def _refuse_if_erased(self) -> None:
            """Raise when the member may not change any more."""
