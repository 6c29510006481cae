"""The application's Prometheus metrics: records ingested, and commands per group commit.

Defined once per process on prometheus_client's default registry; `/metrics` exposes them
(api/metrics.py), across every process sharing PROMETHEUS_MULTIPROC_DIR when it is set.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

INGESTED_RECORDS = Counter(
    "crm_ingested_records",
    "Interaction records ingested (HTTP ingestion and `crm import`), by outcome.",
    ["outcome"],
)
# Observed by group commit: how many commands one transaction wrote.
GROUP_COMMIT_BATCH_SIZE = Histogram(
    "crm_group_commit_batch_size",
    "Commands written together in one group-committed transaction.",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
)


def count_ingested(*, accepted: int = 0, duplicates: int = 0, rejected: int = 0) -> None:
    """Add a batch's records to the ingestion counter, by outcome."""
    for outcome, count in (
        ("accepted", accepted),
        ("duplicate", duplicates),
        ("rejected", rejected),
    ):
        if count:
            INGESTED_RECORDS.labels(outcome).inc(count)


# Observed by the webhooks deliverer (application/webhooks/deliverer.py).
WEBHOOK_DELIVERIES = Counter(
    "crm_webhook_deliveries",
    "Webhook delivery attempts, by outcome (delivered, retry, failed).",
    ["outcome"],
)
WEBHOOK_ATTEMPT_SECONDS = Histogram(
    "crm_webhook_attempt_seconds",
    "One webhook POST, from the address check to the receiver's status (or the timeout).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
WEBHOOK_LAG_SECONDS = Histogram(
    "crm_webhook_delivery_lag_seconds",
    "From an event's recording to its webhook's delivery (first attempts and retries).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 60.0, 600.0, 3600.0, 86_400.0),
)
