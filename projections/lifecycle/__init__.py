"""The lifecycle read model (member_stages, member_stage_history) and the queries over it."""
