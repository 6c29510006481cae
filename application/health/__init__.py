"""Community health use cases: KPIs, cohorts, and activity spikes with their causes."""
