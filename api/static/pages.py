"""GraphiQL and Swagger UI pages that load nothing from the internet.

strawberry's GraphiQL page and FastAPI's /docs load their scripts from public CDNs, so
they stay blank offline. The files are vendored under api/static/vendor (fetched from
npm by `python -m api.static.revendor`) and the pages point at them.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from strawberry.http.ides import get_graphql_ide_html

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"
VENDOR_URL = "/static/vendor"
# Swagger UI is not in strawberry's page: its version is pinned here.
SWAGGER_UI = "swagger-ui-dist@5.35.0"
SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")
# The dashboard's chart library (api/dashboard), pinned like Swagger UI.
UPLOT = "uplot@1.6.32"
UPLOT_FILES = ("dist/uPlot.iife.min.js", "dist/uPlot.min.css")
# A CDN address in strawberry's page: https://unpkg.com/<package>@<version>/<file>.
CDN_URL = re.compile(r"https://unpkg\.com/((?:@[\w.-]+/)?[\w.-]+@[\w.-]+)/([\w./-]+)")


def cdn_files(html: str) -> list[tuple[str, str]]:
    """(package@version, file) of each CDN address in a page."""
    return [(found.group(1), found.group(2)) for found in CDN_URL.finditer(html)]


@cache
def graphiql_html() -> str:
    """strawberry's GraphiQL page, loading its scripts from the vendored files."""
    html = get_graphql_ide_html("graphiql")
    missing = [f"{p}/{f}" for p, f in cdn_files(html) if not (VENDOR_DIR / p / f).is_file()]
    if missing:
        # strawberry's page changed: run `python -m api.static.revendor`.
        raise RuntimeError(f"GraphiQL files not vendored: {', '.join(missing)}")
    return CDN_URL.sub(lambda found: f"{VENDOR_URL}/{found.group(1)}/{found.group(2)}", html)


def swagger_ui_page(openapi_url: str, title: str) -> HTMLResponse:
    """FastAPI's Swagger UI page, loading Swagger UI from the vendored files."""
    base = f"{VENDOR_URL}/{SWAGGER_UI}"
    return get_swagger_ui_html(
        openapi_url=openapi_url,
        title=title,
        swagger_js_url=f"{base}/swagger-ui-bundle.js",
        swagger_css_url=f"{base}/swagger-ui.css",
        swagger_favicon_url=f"{base}/favicon-32x32.png",
    )
