"""The settings of the ambassador program and of community health, read by Settings.

Each is a part of the one settings class (application/settings.py inherits them), kept
apart so that each context's rules and their checks read in one place.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Self

from pydantic import BaseModel, Field, model_validator

from domain.ambassadors.candidacy import CandidacyRule, Factor, InvalidCandidacyRule
from domain.health.rule import (
    MAX_INACTIVE_WEEKS,
    MAX_REPEAT_THRESHOLD,
    HealthRule,
    InvalidHealthRule,
)
from domain.health.spikes import SpikeRule
from domain.lifecycle.rule import MAX_RULE_VERSION
from domain.outreach.motivation import DEFAULT_MOTIVATIONS, InvalidMotivations, check_options_list

DEFAULT_CANDIDACY_RULE = CandidacyRule()
DEFAULT_HEALTH_RULE = HealthRule()


class AmbassadorSettings(BaseModel):
    """The ambassador program's term and expiry, and the candidacy rule (CRM_CANDIDACY_*)."""

    # How long a term lasts (approval and each renewal), and how often the projection
    # worker expires the terms that ended unrenewed.
    ambassador_term_days: int = Field(default=365, ge=1, le=10 * 366)
    ambassador_expiry_seconds: float = Field(default=3600.0, ge=60, le=7 * 24 * 3600)
    # The rule of application/ambassadors/candidacy.py. Thresholds and weights override the
    # defaults per factor, e.g. CRM_CANDIDACY_THRESHOLDS='{"helpfulness": 20}'; a changed
    # rule needs a new version.
    candidacy_rule_version: str = Field(default=DEFAULT_CANDIDACY_RULE.version, min_length=1)
    candidacy_window_days: int = Field(default=DEFAULT_CANDIDACY_RULE.window_days, ge=1)
    candidacy_hysteresis: float = Field(default=DEFAULT_CANDIDACY_RULE.hysteresis, gt=0, le=1)
    candidacy_score_cap: float = Field(default=DEFAULT_CANDIDACY_RULE.cap, ge=1)
    candidacy_thresholds: dict[Factor, float] = Field(default_factory=dict)
    candidacy_weights: dict[Factor, float] = Field(default_factory=dict)
    # How often the projection worker runs the candidacy evaluation (default daily; 0: never).
    candidacy_evaluation_seconds: float = Field(default=86_400.0, ge=0)

    @model_validator(mode="after")
    def _candidacy_rule_is_valid_and_renamed(self) -> Self:
        try:
            rule = self.candidacy_rule()
        except InvalidCandidacyRule as error:
            raise ValueError(f"CRM_CANDIDACY_{error.field.upper()}: {error.message}") from None
        # A rule that changes under an old name would make recorded versions meaningless.
        if replace(rule, version=DEFAULT_CANDIDACY_RULE.version) != DEFAULT_CANDIDACY_RULE:
            if rule.version == DEFAULT_CANDIDACY_RULE.version:
                raise ValueError("a changed candidacy rule needs CRM_CANDIDACY_RULE_VERSION")
        return self

    def candidacy_rule(self) -> CandidacyRule:
        """The configured candidacy rule."""
        return CandidacyRule(
            version=self.candidacy_rule_version,
            window=timedelta(days=self.candidacy_window_days),
            hysteresis=self.candidacy_hysteresis,
            cap=self.candidacy_score_cap,
            thresholds={**DEFAULT_CANDIDACY_RULE.thresholds, **self.candidacy_thresholds},
            weights={**DEFAULT_CANDIDACY_RULE.weights, **self.candidacy_weights},
        )


class HealthSettings(BaseModel):
    """The health rule of the community KPIs, and the rule of activity spikes."""

    # The health rule (community KPIs): answers name the version they were computed under.
    health_rule_version: str = Field(
        default=DEFAULT_HEALTH_RULE.version, min_length=1, max_length=MAX_RULE_VERSION
    )
    health_inactive_weeks: int = Field(
        default=DEFAULT_HEALTH_RULE.inactive_weeks, ge=1, le=MAX_INACTIVE_WEEKS
    )
    health_repeat_threshold: int = Field(
        default=DEFAULT_HEALTH_RULE.repeat_threshold, ge=1, le=MAX_REPEAT_THRESHOLD
    )
    # Activity spikes: a day stands out above the median of the trailing
    # CRM_HEALTH_SPIKE_WINDOW days by more than K scaled MADs (domain/health/spikes.py).
    health_spike_rule_version: str = SpikeRule.version
    health_spike_k: float = SpikeRule.k
    health_spike_window: int = SpikeRule.window
    health_spike_min_history: int = SpikeRule.min_history
    health_spike_min_band: float = SpikeRule.min_band
    health_spike_min_band_share: float = SpikeRule.min_band_share

    @model_validator(mode="after")
    def _health_rule_is_renamed(self) -> Self:
        # A rule that changes under an old name would make the versions answers name meaningless.
        rule = self.health_rule()
        if replace(rule, version=DEFAULT_HEALTH_RULE.version) != DEFAULT_HEALTH_RULE:
            if rule.version == DEFAULT_HEALTH_RULE.version:
                raise ValueError("a changed health rule needs CRM_HEALTH_RULE_VERSION")
        return self

    @model_validator(mode="after")
    def _spike_rule_is_valid(self) -> Self:
        try:
            rule = self.spike_rule()
        except InvalidHealthRule as error:
            raise ValueError(f"CRM_HEALTH_SPIKE_{error.field.upper()}: {error.message}") from None
        # A rule that changes under an old name would make the version spikes name meaningless.
        if (
            replace(rule, version=SpikeRule.version) != SpikeRule()
            and rule.version == SpikeRule.version
        ):
            raise ValueError("a changed spike rule needs CRM_HEALTH_SPIKE_RULE_VERSION")
        return self

    def health_rule(self) -> HealthRule:
        """The configured health rule."""
        return HealthRule(
            version=self.health_rule_version,
            inactive_weeks=self.health_inactive_weeks,
            repeat_threshold=self.health_repeat_threshold,
        )

    def spike_rule(self) -> SpikeRule:
        """The configured rule of activity spikes."""
        return SpikeRule(
            version=self.health_spike_rule_version,
            k=self.health_spike_k,
            window=self.health_spike_window,
            min_history=self.health_spike_min_history,
            min_band=self.health_spike_min_band,
            min_band_share=self.health_spike_min_band_share,
        )


class OutreachSettings(BaseModel):
    """The outreach context's settings: why members joined, the reply and welcome windows."""

    # An outreach's outcome looks for a reply or a return within this many days after it
    # (domain/outreach/outcomes.py): a reply on day N counts, one on day N+1 does not.
    outreach_reply_days: int = Field(default=14, ge=1, le=90)
    # A member is a newcomer to welcome while they joined or first interacted within this
    # many days (domain/outreach/welcome.py).
    outreach_welcome_days: int = Field(default=14, ge=1, le=90)

    # Comma-separated option names (a-z, 0-9, _), e.g. "learn,get_help,network,other".
    outreach_motivations: str = Field(default=",".join(DEFAULT_MOTIVATIONS), max_length=2000)

    @model_validator(mode="after")
    def _motivations_are_valid(self) -> Self:
        try:
            self.motivation_options()
        except InvalidMotivations as error:
            raise ValueError(f"CRM_OUTREACH_MOTIVATIONS: {error}") from None
        return self

    def motivation_options(self) -> tuple[str, ...]:
        """The configured motivation options, in the order given."""
        return check_options_list(self.outreach_motivations.split(","))
