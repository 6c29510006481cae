"""Prometheus text exposition of projection positions, lag and parked events."""

from __future__ import annotations

from projections.positions import Lag


def render_metrics(lags: list[Lag], parked: dict[str, int]) -> str:
    """Gauges for the head of the log and each projection's position, lag and parked events."""
    head = max((lag.head for lag in lags), default=0)
    lines = [
        "# HELP crm_event_log_head Highest notification id in the event log.",
        "# TYPE crm_event_log_head gauge",
        f"crm_event_log_head {head}",
        "# HELP crm_projection_position Last notification id applied by the projection.",
        "# TYPE crm_projection_position gauge",
        *(f'crm_projection_position{{projection="{lag.name}"}} {lag.position}' for lag in lags),
        "# HELP crm_projection_lag_events Notifications recorded but not yet projected.",
        "# TYPE crm_projection_lag_events gauge",
        *(f'crm_projection_lag_events{{projection="{lag.name}"}} {lag.behind}' for lag in lags),
        "# HELP crm_projection_parked_events Events the projection could not apply, parked.",
        "# TYPE crm_projection_parked_events gauge",
        *(f'crm_projection_parked_events{{projection="{name}"}} {n}' for name, n in parked.items()),
    ]
    return "\n".join(lines) + "\n"
