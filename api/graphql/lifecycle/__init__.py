"""Lifecycle over GraphQL: at-risk members with their evidence, at any date, and rule drafts."""
