"""One migrated database per test module: a module's imports build on each other, and each
test compares what it reads with what it found before (or with ids only it writes)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from application.runtime import Runtime
from tests.conftest import create_database, drop_database, test_settings


@pytest.fixture(scope="module")
def runtime(server_url: str, template_database: str) -> Iterator[Runtime]:
    """The application on a database of this module's own."""
    name = f"crm_test_{uuid.uuid4().hex[:12]}_import"
    url = create_database(server_url, name, template=template_database)
    started = Runtime.start(test_settings(url))
    try:
        yield started
    finally:
        started.close()
        drop_database(server_url, name)
