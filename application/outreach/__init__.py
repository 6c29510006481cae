"""The outreach context's use cases: notes, follow-up tasks, outreach and its outcomes."""
