"""Conduct: code-of-conduct incidents, their decisions and appeals, and the standing they give."""
