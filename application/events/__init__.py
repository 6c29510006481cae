"""Scheduling community events and recording who registered and who came."""
