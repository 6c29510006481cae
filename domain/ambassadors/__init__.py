"""Ambassadors: the members the community manager recruits to carry the brand, and their program.

What other contexts may use of it is exported here.
"""

from domain.ambassadors.program import (
    IllegalProgramMove,
    ProgramMove,
    ProgramStatus,
    after_move,
    allowed_moves,
)

__all__ = ["IllegalProgramMove", "ProgramMove", "ProgramStatus", "after_move", "allowed_moves"]
