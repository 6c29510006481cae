"""The settings of the engagement and stage rules, read by Settings.

Part of the one settings class (application/settings.py inherits them), kept apart so
that the lifecycle's rules and their checks read in one place.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta
from typing import Any, Self

from pydantic import BaseModel, Field, field_validator, model_validator

from domain.interactions.engagement import DEFAULT_RULE, DEFAULT_WEIGHTS, EngagementRule
from domain.interactions.interaction import InteractionKind
from domain.lifecycle.rule import (
    MAX_GAP_FACTOR,
    MAX_RULE_DAYS,
    MAX_RULE_VERSION,
    WEEKS_IN_YEAR,
    StageRule,
)

# The stage rule before rhythm-2026-12 (CRM_AT_RISK_*, CRM_INACTIVE_SILENT_DAYS): still set,
# they would look like configuration while changing nothing, so start-up refuses them.
RETIRED_STAGE_SETTINGS = (
    "at_risk_min_baseline_weight",
    "at_risk_drop_fraction",
    "at_risk_recover_fraction",
    "at_risk_silent_days",
    "inactive_silent_days",
)
DEFAULT_STAGE_RULE = StageRule()


def _days(default: timedelta) -> Any:
    """A stage rule span setting in whole days, bounded as the domain bounds it."""
    return Field(default=default.days, ge=1, le=MAX_RULE_DAYS)


class EngagementSettings(BaseModel):
    """The engagement rule: a changed weight or half-life needs a new version name, and
    `crm project --rebuild engagement` to rescore history under it."""

    engagement_rule_version: str = DEFAULT_RULE.version
    engagement_half_life_days: float = Field(default=30.0, gt=0, le=3650)
    engagement_weights: dict[InteractionKind, float] = Field(default_factory=dict)

    @field_validator("engagement_weights")
    @classmethod
    def _weights_are_not_negative(
        cls, value: dict[InteractionKind, float]
    ) -> dict[InteractionKind, float]:
        if any(weight < 0 for weight in value.values()):
            raise ValueError("weights must be 0 or more")
        return value

    @model_validator(mode="after")
    def _changed_engagement_rule_is_renamed(self) -> Self:
        # A rule that changes under an old name would make recorded versions meaningless.
        if self.engagement_rule() != replace(DEFAULT_RULE, version=self.engagement_rule_version):
            if self.engagement_rule_version == DEFAULT_RULE.version:
                raise ValueError("a changed engagement rule needs CRM_ENGAGEMENT_RULE_VERSION")
        return self

    def engagement_rule(self) -> EngagementRule:
        """The configured engagement rule."""
        return EngagementRule(
            version=self.engagement_rule_version,
            half_life=timedelta(days=self.engagement_half_life_days),
            weights={**DEFAULT_WEIGHTS, **self.engagement_weights},
        )


class StageSettings(BaseModel):
    """The stage rule (README, "The default stage rule"); evaluations record the version they
    used. Each bound is the domain's own (StageRule refuses the rest); days are whole days."""

    stage_rule_version: str = Field(
        default=DEFAULT_STAGE_RULE.version, min_length=1, max_length=MAX_RULE_VERSION
    )
    stage_new_days: int = _days(DEFAULT_STAGE_RULE.new_for)
    stage_baseline_window_days: int = _days(DEFAULT_STAGE_RULE.baseline_window)
    stage_recent_window_days: int = _days(DEFAULT_STAGE_RULE.recent_window)
    stage_min_active_weeks: int = Field(
        default=DEFAULT_STAGE_RULE.min_active_weeks, ge=1, le=WEEKS_IN_YEAR
    )
    stage_gap_percentile: float = Field(
        default=DEFAULT_STAGE_RULE.gap_percentile, gt=0, le=1, allow_inf_nan=False
    )
    stage_gap_factor: float = Field(
        default=DEFAULT_STAGE_RULE.gap_factor, gt=0, le=MAX_GAP_FACTOR, allow_inf_nan=False
    )
    stage_min_silence_days: int = _days(DEFAULT_STAGE_RULE.min_silence)
    stage_max_silence_days: int = _days(DEFAULT_STAGE_RULE.max_silence)
    stage_inactive_days: int = _days(DEFAULT_STAGE_RULE.silent_inactive)
    stage_returning_days: int = _days(DEFAULT_STAGE_RULE.returning_grace)

    @model_validator(mode="before")
    @classmethod
    def _no_retired_stage_settings(cls, data: Any) -> Any:
        given = set(data) if isinstance(data, dict) else set()
        given |= {name for name in RETIRED_STAGE_SETTINGS if f"CRM_{name.upper()}" in os.environ}
        retired = [f"CRM_{name.upper()}" for name in RETIRED_STAGE_SETTINGS if name in given]
        if retired:
            raise ValueError(
                f"{', '.join(retired)}: no longer read; the stage rule judges each member by "
                "their own rhythm, configured by the CRM_STAGE_* settings (README, Configuration)"
            )
        return data

    @model_validator(mode="after")
    def _stage_rule_is_consistent_and_renamed(self) -> Self:
        if self.stage_min_silence_days > self.stage_max_silence_days:
            raise ValueError(
                "CRM_STAGE_MIN_SILENCE_DAYS must not exceed CRM_STAGE_MAX_SILENCE_DAYS"
            )
        # At risk comes before inactive: a silence limit past it would never flag anyone.
        if self.stage_max_silence_days >= self.stage_inactive_days:
            raise ValueError("CRM_STAGE_MAX_SILENCE_DAYS must be less than CRM_STAGE_INACTIVE_DAYS")
        if self.stage_rule() != replace(DEFAULT_STAGE_RULE, version=self.stage_rule_version):
            if self.stage_rule_version == DEFAULT_STAGE_RULE.version:
                raise ValueError("a changed stage rule needs CRM_STAGE_RULE_VERSION")
        return self

    def stage_rule(self) -> StageRule:
        """The configured stage rule."""
        return replace(
            DEFAULT_STAGE_RULE,
            version=self.stage_rule_version,
            new_for=timedelta(days=self.stage_new_days),
            baseline_window=timedelta(days=self.stage_baseline_window_days),
            recent_window=timedelta(days=self.stage_recent_window_days),
            min_active_weeks=self.stage_min_active_weeks,
            gap_percentile=self.stage_gap_percentile,
            gap_factor=self.stage_gap_factor,
            min_silence=timedelta(days=self.stage_min_silence_days),
            max_silence=timedelta(days=self.stage_max_silence_days),
            silent_inactive=timedelta(days=self.stage_inactive_days),
            returning_grace=timedelta(days=self.stage_returning_days),
        )
