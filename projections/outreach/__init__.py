"""The outreach read models: notes, tasks, the outreach log, welcome queue and discussions."""
