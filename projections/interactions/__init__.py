"""The engagement read model (member_interactions, member_engagement, ...) and its queries."""
