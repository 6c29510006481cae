"""Outgoing webhooks: the outbox projection, the delivery queue and payloads."""
