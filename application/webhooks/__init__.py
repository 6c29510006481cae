"""Outgoing webhooks: subscriptions as admins keep them, and the deliverer that sends them."""
