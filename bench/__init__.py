"""Benchmarks at community scale, each beside its baseline."""
