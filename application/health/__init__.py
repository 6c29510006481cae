"""The health context's use cases: community KPIs per period and cohort retention."""
