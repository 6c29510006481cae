"""The CSV export on PostgreSQL: SQL renders cells as the Python writer does, keys per page."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from cryptography.exceptions import InvalidTag

from api.bootstrap import personal_data
from application.runtime import Runtime
from projections.csv_cells import csv_bytes
from projections.feedback.export import HEADER, ExportFilter, FeedbackExport
from projections.personal import FEEDBACK_TEXT, PageOpeners
from tests.api.feedback.read_model import START, write_item
from tests.unit.feedback.test_csv_cells import HOSTILE

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("value", [*HOSTILE, None])
def test_the_sql_cell_function_writes_what_the_python_writer_writes(
    runtime: Runtime, value: str | None
) -> None:
    with runtime.pool.connection() as conn:
        row = conn.execute("SELECT crm_csv_cell(%s::text)", (value,)).fetchone()
    assert row is not None
    assert row[0] + ",next\r\n" == csv_bytes([[value, "next"]]).decode()


def test_each_line_is_what_the_python_writer_writes_of_the_cells(runtime: Runtime) -> None:
    personal = personal_data(runtime)
    area = '=cmd|" /C calc"!A0, area'
    odd = {
        "kind": "+kind",
        "status": "-status",
        "channel": "@channel",
        "product_area": area,
        "priority": "\tpriority",
        "team": 'team "a",\r\nb',
        "tracker_key": "+PROJ-1",
        "tracker_url": "https://tracker.example/a,b",
        # Numbers no real item has, for the neutralising of a leading '-'.
        "unique_members": -1,
        "supporters": 0,
        "weighted_support": -2.5,
        "loop_closed": -3,
        "first_response_at": START - timedelta(minutes=90),
        "duplicate_of": uuid.UUID(int=5),
    }
    text = '=HYPERLINK("http://evil.example"), "Grüße"\n東京 🚀'
    item = write_item(
        runtime.pool,
        personal,
        text=text,
        source_url="-1 http://x,y",
        product_area=area,
        **{k: v for k, v in odd.items() if k != "product_area"},
    )
    plain = write_item(
        runtime.pool,
        personal,
        text="plain",
        product_area=area,
        submitted_at=START + timedelta(hours=1),
    )
    data = b"".join(FeedbackExport(runtime.pool, personal).csv(ExportFilter(product_areas=[area])))
    expected = csv_bytes(
        [
            [
                str(item.item_id),
                "2026-01-05T09:00:00Z",
                "+kind",
                "-status",
                "@channel",
                area,
                "\tpriority",
                'team "a",\r\nb',
                str(item.author_id),
                text,
                "-1 http://x,y",
                "-1",
                "0",
                "-2.5",
                "2026-01-05T07:30:00Z",
                "-1.5",
                str(uuid.UUID(int=5)),
                "+PROJ-1",
                "https://tracker.example/a,b",
                "-3",
                "false",
            ],
            [
                str(plain.item_id),
                "2026-01-05T10:00:00Z",
                "feature_request",
                "open",
                "discord",
                area,
                None,
                None,
                str(plain.author_id),
                "plain",
                None,
                "1",
                "0",
                "0",
                None,
                None,
                None,
                None,
                None,
                "0",
                "false",
            ],
        ]
    )
    assert data == HEADER + expected


def test_a_key_shredded_between_pages_opens_nothing_on_the_next(runtime: Runtime) -> None:
    personal = personal_data(runtime)
    author = uuid.uuid4()
    area = f"area-{uuid.uuid4().hex[:8]}"
    for n in range(3):
        write_item(
            runtime.pool,
            personal,
            author_id=author,
            text=f"secret {n}",
            product_area=area,
            submitted_at=START + timedelta(minutes=n),
        )
    pages = FeedbackExport(runtime.pool, personal, page_size=1).pages(
        ExportFilter(product_areas=[area])
    )
    first = next(pages)
    assert b"secret 0" in first.data
    with runtime.pool.connection() as conn:
        conn.execute(
            "UPDATE personal_data_keys SET wrapped_key = NULL, shredded_at = now()"
            " WHERE subject_id = %s",
            (author,),
        )
    # Pages read ahead before the shredding may still open; the export reads at most two
    # ahead, and every page read after it opens nothing.
    rest = list(pages)
    assert sum(p.rows for p in rest) == 2
    assert all(b"secret" not in p.data for p in rest[2:])
    after = b"".join(FeedbackExport(runtime.pool, personal).csv(ExportFilter(product_areas=[area])))
    assert b"secret" not in after and after.count(b"\r\n") == 4


def test_page_openers_reuse_unwrapped_keys_but_refuse_a_key_moved_to_another_member(
    runtime: Runtime,
) -> None:
    personal = personal_data(runtime)
    owner, other = uuid.uuid4(), uuid.uuid4()
    personal.keyring.create_keys([owner, other])
    openers = PageOpeners(personal.keyring, FEEDBACK_TEXT)
    first = openers.page({str(owner), str(other)})
    again = openers.page({str(owner)})
    assert set(first) == {str(owner), str(other)} and set(again) == {str(owner)}
    with runtime.pool.connection() as conn:
        conn.execute(
            "UPDATE personal_data_keys SET wrapped_key ="
            " (SELECT wrapped_key FROM personal_data_keys WHERE subject_id = %s)"
            " WHERE subject_id = %s",
            (owner, other),
        )
    with pytest.raises(InvalidTag):
        openers.page({str(other)})


def test_an_export_stopped_early_frees_its_threads_and_connection(runtime: Runtime) -> None:
    personal = personal_data(runtime)
    area = f"area-{uuid.uuid4().hex[:8]}"
    for n in range(6):
        write_item(
            runtime.pool, personal, product_area=area, submitted_at=START + timedelta(minutes=n)
        )
    export = FeedbackExport(runtime.pool, personal, page_size=1)
    chunks = export.csv(ExportFilter(product_areas=[area]))
    assert next(chunks) == HEADER
    next(chunks)
    chunks.close()
    assert [t for t in threading.enumerate() if t.name == "read-ahead"] == []
    assert export.count(ExportFilter(product_areas=[area])) == 6
