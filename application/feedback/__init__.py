"""Feedback use cases: from a member's words to a shipped change, and back to them."""
