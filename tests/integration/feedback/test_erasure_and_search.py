"""An erased author's words are gone everywhere, their counts stay; text search by words."""

from __future__ import annotations

import pytest

from application.runtime import Runtime
from domain.feedback import Importance
from domain.members import commands as cmd
from projections.feedback.feed import decode_feed_cursor, encode_feed_cursor
from projections.feedback.queries import FeedbackFilter, FeedbackOrder
from projections.feedback.rows import ChangeKind
from tests.integration.conftest import rows, scalar
from tests.integration.feedback.helpers import feedback_runner, joined, queries, save, submitted

pytestmark = pytest.mark.integration


def found(runtime: Runtime, text: str) -> set[object]:
    """Ids of the items a text search finds."""
    items, _, _ = queries(runtime).page(FeedbackFilter(text=text), FeedbackOrder.NEWEST, 50, None)
    return {i.item_id for i in items}


def test_search_needs_every_word_whatever_its_case_and_form(runtime: Runtime) -> None:
    a, b = joined(runtime, "A"), joined(runtime, "B")
    dark = submitted(runtime, a, "Please add a DARK mode to the Dashboard!")
    export = submitted(runtime, b, "Export the dashboard to CSV (ﬁle)")
    feedback_runner(runtime).catch_up()
    assert found(runtime, "dark dashboard") == {dark.id}
    assert found(runtime, "Dashboard") == {dark.id, export.id}
    assert found(runtime, "file") == {export.id}  # NFKC: the ligature is two letters
    assert found(runtime, "dark csv") == set()
    assert found(runtime, "dar") == set()  # whole words only
    assert found(runtime, "!!") == set()
    on_disk = rows(runtime.database_url, "SELECT term FROM feedback_terms")
    assert all(b"dark" not in bytes(term) for (term,) in on_disk)


def test_an_erased_authors_text_is_unreadable_and_their_counts_remain(runtime: Runtime) -> None:
    author, fan, other = joined(runtime, "Author"), joined(runtime, "Fan"), joined(runtime, "O")
    item = submitted(runtime, author, "Secret roadmap wish", source_url="https://x.test/1")
    kept = submitted(runtime, other, "Secret handshake")
    item.support(fan, Importance.CRITICAL)
    backed = submitted(runtime, fan, "Another wish")
    backed.support(author, Importance.IMPORTANT)  # their support of others is counted still
    save(runtime, item, backed)
    feedback_runner(runtime).catch_up()
    before = queries(runtime).by_ids([item.id])[item.id]
    assert (before.text, before.source_url) == ("Secret roadmap wish", "https://x.test/1")
    assert found(runtime, "secret") == {item.id, kept.id}
    cursor = encode_feed_cursor(queries(runtime).changes(0, 100).end_position)

    runtime.community.erase_member(cmd.EraseMember(member_id=author))
    feedback_runner(runtime).catch_up()

    after = queries(runtime).by_ids([item.id])[item.id]
    assert (after.text, after.source_url, after.author_erased) == (None, None, True)
    assert (after.unique_members, after.weighted_support, after.supporters) == (2, 4.0, 1)
    assert queries(runtime).by_ids([backed.id])[backed.id].unique_members == 2
    assert found(runtime, "secret") == {kept.id}
    assert found(runtime, "roadmap") == set()
    assert (
        scalar(
            runtime.database_url,
            "SELECT count(*) FROM feedback_terms WHERE item_id = %s",
            (item.id,),
        )
        == 0
    )
    assert scalar(
        runtime.database_url,
        "SELECT sealed_text IS NULL FROM feedback_items WHERE item_id = %s",
        (item.id,),
    )
    feed = queries(runtime).changes(decode_feed_cursor(cursor), 100)
    assert [(e.item.item_id, e.changes) for e in feed.entries] == [
        (item.id, [ChangeKind.AUTHOR_ERASED])
    ]
    assert feed.entries[0].item.text is None
    assert queries(runtime).history(item.id)[-1].change == ChangeKind.AUTHOR_ERASED
    for_fan = {r.item_id: rel for r, rel in queries(runtime).for_member(fan)}
    assert for_fan == {item.id: "supporter", backed.id: "author"}
    # Their own words are gone; what they backed is someone else's, and stays readable.
    for_author = {r.item_id: (rel, r.text) for r, rel in queries(runtime).for_member(author)}
    assert for_author == {item.id: ("author", None), backed.id: ("supporter", "Another wish")}
