"""Lifecycle's use cases: stage evaluation, explanations, rule simulation and returns.

What other contexts may use of it is exported here.
"""

from application.lifecycle.evaluation import StageEvaluation
from application.lifecycle.ports import CatchUp, Plan
from application.lifecycle.stages import record_stages as record_stage_changes

__all__ = ["CatchUp", "Plan", "StageEvaluation", "record_stage_changes"]
