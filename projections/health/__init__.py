"""The health read model (health_members, health_member_periods, health_counts, health_daily)."""
