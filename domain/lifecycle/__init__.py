"""Lifecycle: stages, the rule that judges them (at risk, inactive, returning), and its evidence."""
