"""Feedback over GraphQL: items, their history, the change feed, reports, and mutations."""
