"""GET /exports/feedback.csv and /exports/feedback.ndjson over real HTTP with API keys."""

from __future__ import annotations

import csv
import io
import json
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from api.auth import Role
from api.bootstrap import personal_data
from api.cli.common import app
from projections.feedback.export import COLUMNS
from projections.feedback.feed import decode_feed_cursor
from projections.personal import PersonalData
from tests.api.conftest import Api, join, served_api, succeed
from tests.api.feedback.read_model import START, Seeded, touch, write_item
from tests.integration.test_cli import crm_env

CSV_URL = "/exports/feedback.csv"
FEED_URL = "/exports/feedback.ndjson"


@pytest.fixture(scope="module")
def exports_api(server_url: str, template_database: str) -> Iterator[Api]:
    """A server on a database of its own: these tests write feed positions of their own."""
    with served_api(server_url, template_database) as served:
        yield served


@pytest.fixture(scope="module")
def personal(exports_api: Api) -> PersonalData:
    return personal_data(exports_api.services.runtime)


@pytest.fixture(scope="module")
def keys(exports_api: Api) -> dict[Role, str]:
    return {role: exports_api.key(role) for role in Role}


def _get(api: Api, path: str, key: str | None, **params: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return api.client.get(f"{api.url}{path}", params=params, headers=headers)


def _csv(api: Api, key: str, **params: Any) -> list[dict[str, str]]:
    response = _get(api, CSV_URL, key, **params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))
    assert rows[0] == list(COLUMNS)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _feed(api: Api, key: str, **params: Any) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    response = _get(api, FEED_URL, key, **params)
    assert response.status_code == 200, response.text
    lines = [json.loads(line) for line in response.text.splitlines()]
    *entries, last = lines
    assert last["endCursor"] == response.headers["X-Next-Cursor"]
    return entries, last, response.headers["X-Next-Cursor"]


def test_every_role_may_export_and_no_key_may_not(exports_api: Api, keys: dict[Role, str]) -> None:
    for role, key in keys.items():
        for path in (CSV_URL, FEED_URL):
            assert _get(exports_api, path, key).status_code == 200, (role, path)
    for path in (CSV_URL, FEED_URL):
        assert _get(exports_api, path, None).status_code == 401
        assert _get(exports_api, path, "crm_not-a-key").status_code == 401


def test_csv_cells_round_trip_through_a_csv_reader(
    exports_api: Api, personal: PersonalData, keys: dict[Role, str]
) -> None:
    area = f"area-{uuid.uuid4().hex[:8]}"
    texts = ['Commas, "quotes"\nand lines', '=HYPERLINK("http://x")', "-1 for this", "Grüße 🚀"]
    seeded = [
        write_item(exports_api.services.pool, personal, text=t, product_area=area, source_url=u)
        for t, u in zip(texts, ["https://forum.example/t/1", None, "@evil", None], strict=True)
    ]
    first_response = START + timedelta(hours=3, minutes=30)
    with exports_api.services.pool.connection() as conn:
        conn.execute(
            "UPDATE feedback_items SET first_response_at = %s, tracker_key = '+PROJ-1'"
            " WHERE item_id = %s",
            (first_response, seeded[0].item_id),
        )
    rows = {r["item id"]: r for r in _csv(exports_api, keys[Role.PRODUCT], productArea=area)}
    assert set(rows) == {str(s.item_id) for s in seeded}
    got = [rows[str(s.item_id)] for s in seeded]
    assert [r["text"] for r in got] == [texts[0], "'" + texts[1], "'" + texts[2], texts[3]]
    assert [r["source url"] for r in got] == ["https://forum.example/t/1", "", "'@evil", ""]
    assert got[0]["hours to first response"] == "3.5"
    assert got[0]["first response at"] == "2026-01-05T12:30:00Z"
    assert got[0]["tracker key"] == "'+PROJ-1"
    assert got[1]["hours to first response"] == "" and got[1]["first response at"] == ""
    assert got[0]["author id"] == str(seeded[0].author_id)
    assert got[0]["submitted at"] == "2026-01-05T09:00:00Z"  # ISO 8601 UTC, to the second
    assert {r["erased"] for r in got} == {"false"}
    assert {r["unique members"] for r in got} == {"1"}


def test_csv_filters_by_period_status_and_product_area(
    exports_api: Api, personal: PersonalData, keys: dict[Role, str]
) -> None:
    area, other = f"area-{uuid.uuid4().hex[:8]}", f"area-{uuid.uuid4().hex[:8]}"
    pool = exports_api.services.pool
    day = timedelta(days=1)
    early = write_item(pool, personal, product_area=area, submitted_at=START)
    planned = write_item(
        pool, personal, product_area=area, submitted_at=START + day, status="planned"
    )
    late = write_item(pool, personal, product_area=area, submitted_at=START + 2 * day)
    elsewhere = write_item(pool, personal, product_area=other, submitted_at=START + day)

    def ids(**params: Any) -> set[uuid.UUID]:
        return {uuid.UUID(r["item id"]) for r in _csv(exports_api, keys[Role.VIEWER], **params)}

    both = ids(productArea=[area, other])
    assert {early.item_id, planned.item_id, late.item_id, elsewhere.item_id} <= both
    assert ids(productArea=area) == {early.item_id, planned.item_id, late.item_id}
    period = {"from": (START + day).date().isoformat(), "to": (START + 2 * day).isoformat()}
    assert ids(productArea=area, **period) == {planned.item_id}
    assert ids(productArea=area, status="PLANNED") == {planned.item_id}
    assert ids(productArea=area, status="open,planned") == {
        early.item_id,
        planned.item_id,
        late.item_id,
    }
    assert ids(productArea=area, status=["shipped"]) == set()


def test_an_erased_authors_text_is_unreadable_in_both_exports(
    exports_api: Api, personal: PersonalData, keys: dict[Role, str]
) -> None:
    admin = keys[Role.ADMIN]
    member = join(exports_api, admin)
    author = uuid.UUID(member["id"])
    secret = f"my secret plan {uuid.uuid4().hex}"
    area = f"area-{uuid.uuid4().hex[:8]}"
    item = write_item(
        exports_api.services.pool,
        personal,
        author_id=author,
        text=secret,
        source_url="https://me.example",
        product_area=area,
    )
    (before,) = _csv(exports_api, admin, productArea=area)
    assert before["text"] == secret
    succeed(exports_api, "eraseMember", {"memberId": str(author)}, key=admin)
    for role in (Role.ADMIN, Role.PRODUCT):
        (row,) = _csv(exports_api, keys[role], productArea=area)
        assert row["text"] == "" and row["source url"] == ""
        response = _get(exports_api, CSV_URL, keys[role], productArea=area)
        assert secret not in response.text
        feed = _get(exports_api, FEED_URL, keys[role])
        assert secret not in feed.text and "https://me.example" not in feed.text
        (entry,) = [e for e in feed.text.splitlines() if str(item.item_id) in e]
        assert json.loads(entry)["item"]["text"] is None


def test_the_feed_resumes_from_its_cursor_while_changes_commit(
    exports_api: Api, personal: PersonalData, keys: dict[Role, str]
) -> None:
    """A consumer pages with `limit` while a writer commits; each change is seen exactly once."""
    pool = exports_api.services.pool
    *_, start = _feed(exports_api, keys[Role.PRODUCT])
    written: list[Seeded] = []
    changes: list[tuple[uuid.UUID, int]] = []

    def write() -> None:
        for n in range(600):
            if n % 3 == 2 and len(written) > 2:
                # One commit changing two earlier items: they share its position.
                pair = [written[n % len(written)].item_id, written[(n + 1) % len(written)].item_id]
                position = touch(pool, pair)
                changes.extend((item_id, position) for item_id in pair)
            else:
                written.append(write_item(pool, personal, text=f"item {n}"))
                changes.append((written[-1].item_id, written[-1].position))

    writer = threading.Thread(target=write)
    writer.start()
    # Each entry with the span of log positions its response covered.
    seen: list[tuple[uuid.UUID, int, int, int]] = []
    cursor = start
    while True:
        after = decode_feed_cursor(cursor)
        entries, last, cursor = _feed(exports_api, keys[Role.PRODUCT], since=cursor, limit=37)
        end = decode_feed_cursor(cursor)
        seen.extend((uuid.UUID(e["item"]["id"]), e["position"], after, end) for e in entries)
        if not writer.is_alive() and not last["hasMore"] and not entries:
            break
    writer.join()
    positions = [position for _, position, _, _ in seen]
    assert positions == sorted(positions), "not in commit order"
    for item_id, position in changes:
        # Every change is served once: in the one response whose span holds it.
        holders = [s for s in seen if s[0] == item_id and s[2] < position <= s[3]]
        assert len(holders) == 1, (item_id, position, holders)
        assert holders[0][1] >= position
    assert {(i, p) for i, p, _, _ in seen} <= set(changes)


def test_bad_parameters_are_refused_naming_the_parameter(
    exports_api: Api, keys: dict[Role, str]
) -> None:
    key = keys[Role.ADMIN]
    cases: list[tuple[str, dict[str, Any], str]] = [
        (FEED_URL, {"since": "not-a-cursor"}, "since"),
        (FEED_URL, {"limit": 0}, "limit"),
        (FEED_URL, {"limit": "many"}, "limit"),
        (CSV_URL, {"from": "yesterday"}, "from"),
        (CSV_URL, {"to": "2026-13-01"}, "to"),
        (CSV_URL, {"from": "2026-02-01", "to": "2026-01-01"}, "to"),
        (CSV_URL, {"status": "open,lost"}, "status"),
    ]
    for path, params, field in cases:
        response = _get(exports_api, path, key, **params)
        assert response.status_code == 422, (params, response.text)
        (problem,) = response.json()["detail"]
        assert problem["loc"] == ["query", field], (params, problem)
        assert problem["msg"], problem


def test_crm_export_feedback_writes_the_bytes_the_endpoints_serve(
    exports_api: Api, personal: PersonalData, keys: dict[Role, str], tmp_path: Path
) -> None:
    area = f"area-{uuid.uuid4().hex[:8]}"
    pool = exports_api.services.pool
    for text in ("plain", "with, comma", "+formula", 'say "hi"\nbye'):
        write_item(pool, personal, text=text, product_area=area)
    env = crm_env(exports_api.services.runtime.database_url)
    out = tmp_path / "feedback.csv"
    args = ["export", "feedback", "--format", "csv", "--out", str(out), "--product-area", area]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    served = _get(exports_api, CSV_URL, keys[Role.PRODUCT], productArea=area)
    assert out.read_bytes() == served.content
    assert "4 items" in result.output

    *_, start = _feed(exports_api, keys[Role.PRODUCT])
    for n in range(3):
        write_item(pool, personal, text=f"new {n}")
    feed = tmp_path / "feed.ndjson"
    args = ["export", "feedback", "--format", "ndjson", "--out", str(feed), "--since", start]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    served = _get(exports_api, FEED_URL, keys[Role.PRODUCT], since=start)
    assert feed.read_bytes() == served.content
    lines = feed.read_bytes().splitlines()
    assert len(lines) == 4
    assert result.output.split()[-1] == served.headers["X-Next-Cursor"]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--format", "xml"], "--format"),
        (["--since", "nope"], "--since"),
        (["--from", "yesterday"], "--from"),
        (["--status", "lost"], "--status"),
    ],
)
def test_crm_export_feedback_refuses_bad_options_and_says_which(
    tmp_path: Path, args: list[str], option: str
) -> None:
    out = tmp_path / "never.csv"
    result = CliRunner().invoke(app, ["export", "feedback", "--out", str(out), *args])
    assert result.exit_code == 2, result.output
    assert option in " ".join(result.output.split())
    assert not out.exists()
