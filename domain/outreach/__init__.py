"""Outreach: notes on members, follow-up tasks, the outreach log and what came of it."""
