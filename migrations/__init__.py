"""Numbered, forward-only SQL migrations; applied in order by `crm migrate`."""
