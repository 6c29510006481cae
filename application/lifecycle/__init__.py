"""Lifecycle's use cases: stage evaluation, rule simulation and returns, over query ports.

What other contexts may use of it is exported here.
"""

from application.lifecycle.evaluation import StageEvaluation
from application.lifecycle.ports import CatchUp
from application.lifecycle.stages import evaluate as record_stage_changes
from application.lifecycle.stages import record_returns as record_returned_members

__all__ = ["CatchUp", "StageEvaluation", "record_returned_members", "record_stage_changes"]
