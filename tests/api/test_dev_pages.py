"""GraphiQL and /docs work offline, and only these pages answer without a key."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from api.app import create_app
from api.static.pages import VENDOR_URL
from tests.api.conftest import Api, serving
from tests.conftest import test_settings

README = Path(__file__).resolve().parents[2] / "README.md"
HTML = {"Accept": "text/html"}


class _References(HTMLParser):
    """The scripts, stylesheets and icons a page loads, with their integrity hashes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        url = (
            values.get("src") if tag == "script" else values.get("href") if tag == "link" else None
        )
        if url:
            self.found.append((re.sub(r"\s+", "", url), values.get("integrity")))


def _references(html: str) -> list[tuple[str, str | None]]:
    parser = _References()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("page", ["/graphql", "/docs"])
def test_a_dev_page_loads_everything_from_this_server(api: Api, page: str) -> None:
    answer = api.client.get(f"{api.url}{page}", headers=HTML)
    assert answer.status_code == 200 and "<html" in answer.text.lower()
    references = _references(answer.text)
    assert any(url.endswith(".js") for url, _ in references), references
    for url, integrity in references:
        if url.startswith("data:"):
            continue
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{page} loads {url} from elsewhere"
        assert parts.path.startswith(f"{VENDOR_URL}/"), url
        file = api.client.get(urljoin(f"{api.url}{page}", url))  # no key: the pages are open
        assert file.status_code == 200 and file.content, url
        if integrity:
            algorithm, _, expected = integrity.partition("-")
            digest = base64.b64encode(hashlib.new(algorithm, file.content).digest()).decode()
            assert digest == expected, f"{url}: not the file the page expects"


def test_without_a_key_only_the_pages_answer(api: Api) -> None:
    """GraphiQL's page, /docs, /openapi.json and their files are open; no operation is."""
    open_pages = ["/docs", "/openapi.json"]
    assert httpx.get(f"{api.url}/graphql", headers=HTML).status_code == 200
    assert httpx.get(f"{api.url}/healthz").status_code == 200
    for page in open_pages:
        assert httpx.get(f"{api.url}{page}").status_code == 200, page
    paths = httpx.get(f"{api.url}/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method in operations:
            if path == "/healthz" or (path, method) == ("/graphql", "get"):
                continue  # the GraphiQL page; an operation by GET is checked below
            refused = httpx.request(method.upper(), f"{api.url}{path}", headers=HTML, json={})
            assert refused.status_code == 401, (method, path, refused.status_code)
    by_get = httpx.get(f"{api.url}/graphql", params={"query": "{ __typename }"}, headers=HTML)
    assert by_get.status_code == 401
    by_post = httpx.post(f"{api.url}/graphql", json={"query": "{ __typename }"})
    assert by_post.status_code == 401


def test_the_readme_names_every_page_open_without_a_key() -> None:
    text = " ".join(README.read_text().split())
    using = text[text.index("## Using it") :]
    sentence = using[: using.index("|")]  # the paragraph before the role table
    for named in ("/healthz", "GraphiQL", "/docs", "/openapi.json", VENDOR_URL):
        assert named in sentence, f"README's 'Using it' does not say {named} is open"


def test_production_serves_no_page_and_no_vendored_file(api: Api) -> None:
    settings = test_settings(api.services.runtime.database_url, environment="production")
    with serving(create_app(settings, services=api.services)) as url:
        script = f"{url}{VENDOR_URL}/react@18.2.0/umd/react.production.min.js"
        assert httpx.get(script).status_code == 404
        assert httpx.get(f"{url}/docs").status_code == 404


# What each page shows once its scripts have run: GraphiQL's editor, Swagger UI's operations.
RENDERED = {"/graphql": 'class="graphiql-editor"', "/docs": 'class="opblock-summary-path"'}


@pytest.mark.parametrize("page", sorted(RENDERED))
def test_a_dev_page_renders_in_a_browser_without_internet(
    api: Api, page: str, tmp_path: Path
) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    # A proxy that answers nothing stands for a machine offline; this server is loopback,
    # which Chromium never sends through a proxy.
    dom = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path}",
            "--proxy-server=http://127.0.0.1:9",
            "--virtual-time-budget=15000",
            "--dump-dom",
            f"{api.url}{page}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert RENDERED[page] in dom, f"{page} did not render offline:\n{dom[:2000]}"
