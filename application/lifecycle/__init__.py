"""Lifecycle's use cases: stage evaluation, rule simulation and returns, over query ports."""
