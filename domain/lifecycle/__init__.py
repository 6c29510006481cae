"""Lifecycle: stages, the rule that judges them (at risk, inactive, returning), and its evidence.

What other contexts may use of it is exported here.
"""

from domain.lifecycle.history import History
from domain.lifecycle.rule import StageRule
from domain.lifecycle.stages import Assessment, Evidence, Stage

__all__ = ["Assessment", "Evidence", "History", "Stage", "StageRule"]
