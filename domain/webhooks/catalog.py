"""The public event types a webhook may subscribe to: names, versions and what each says.

A public type is a contract with receivers: its name and version never change meaning.
A payload that changes shape gets a new version (sent beside the old one until retired).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PublicEventType:
    """One public event type: its name, payload version, and whether it must be asked for."""

    name: str
    version: int
    description: str
    # High-volume types are sent only to subscriptions that name them explicitly.
    opt_in: bool = False


PUBLIC_EVENT_TYPES: dict[str, PublicEventType] = {
    t.name: t
    for t in (
        PublicEventType("member.joined", 1, "A member joined the community."),
        PublicEventType("member.left", 1, "A member left the community."),
        PublicEventType("member.erased", 1, "A member's personal data was erased (GDPR)."),
        PublicEventType(
            "member.stage_changed", 1, "A member's lifecycle stage changed (at risk and back)."
        ),
        PublicEventType("member.merged", 1, "Two members were merged into one person."),
        PublicEventType(
            "interaction.recorded", 1, "A member's interaction was recorded.", opt_in=True
        ),
        PublicEventType("feedback.submitted", 1, "Feedback was submitted."),
        PublicEventType("feedback.status_changed", 1, "A feedback item moved in the workflow."),
        PublicEventType("feedback.loop_closed", 1, "A member was told of a feedback outcome."),
        PublicEventType("ambassador.nominated", 1, "A member was nominated as ambassador."),
        PublicEventType(
            "ambassador.status_changed", 1, "An ambassadorship was approved, paused, ended..."
        ),
        PublicEventType("consent.changed", 1, "A member gave or withdrew a consent."),
        PublicEventType("export.created", 1, "Members' data was exported (a disclosure)."),
    )
}


def default_event_types() -> list[str]:
    """What an empty eventTypes subscribes to: every type but the opt-in ones."""
    return [name for name, kind in PUBLIC_EVENT_TYPES.items() if not kind.opt_in]
