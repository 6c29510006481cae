"""The feedback read model: items, their supporters and history, the change feed, reports."""
