"""The projections' Prometheus metrics: how long a page of events takes to apply.

Lag is not kept here: /metrics reads each projection's position against the head of the
log when scraped (api/metrics.py), so it is right whichever process projects.
"""

from __future__ import annotations

from prometheus_client import Histogram

PROJECTION_PAGE_SECONDS = Histogram(
    "crm_projection_page_seconds",
    "Time to apply one page of events in one transaction, by projection (empty polls aside).",
    ["projection"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
