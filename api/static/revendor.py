"""Fetch the development pages' scripts from npm into api/static/vendor (needs `npm`).

    python -m api.static.revendor

The GraphiQL packages and versions are those strawberry's page names (so run this after
upgrading strawberry); Swagger UI's and uPlot's (the dashboard's charts) are pinned in
api/static/pages.py. Each package keeps its licence files and package.json beside the files
used.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

from api.static.pages import (
    SWAGGER_FILES,
    SWAGGER_UI,
    UPLOT,
    UPLOT_FILES,
    VENDOR_DIR,
    cdn_files,
)

LICENCES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "NOTICE", "package.json")


def wanted() -> dict[str, set[str]]:
    """The files of each package@version the pages load."""
    files: dict[str, set[str]] = defaultdict(set)
    for package, name in cdn_files(get_graphql_ide_html("graphiql")):
        files[package].add(name)
    files[SWAGGER_UI].update(SWAGGER_FILES)
    files[UPLOT].update(UPLOT_FILES)
    return files


def vendor(package: str, names: set[str], work: Path) -> None:
    """Pack one package with npm and copy the files used and its licences."""
    packed = subprocess.run(
        ["npm", "pack", "--silent", "--pack-destination", str(work), package],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    target = VENDOR_DIR / package
    shutil.rmtree(target, ignore_errors=True)
    with tarfile.open(work / packed) as archive:
        members = {m.name.removeprefix("package/"): m for m in archive.getmembers() if m.isfile()}
        # The package's own licences, and those of what a bundled file bundles.
        licences = {n for n in members if n in LICENCES or n in {f"{u}.LICENSE.txt" for u in names}}
        for name in sorted(names | licences):
            if name not in members:
                raise SystemExit(f"{package} has no {name}")
            source = archive.extractfile(members[name])
            assert source is not None
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(source.read())
    print(f"vendored {package}: {', '.join(sorted(names))}")


def main() -> None:
    """Re-vendor every package, dropping versions no page uses any more."""
    files = wanted()
    with tempfile.TemporaryDirectory() as folder:
        for package, names in sorted(files.items()):
            vendor(package, names, Path(folder))
    kept = {VENDOR_DIR / p for p in files}
    unscoped = [p for p in VENDOR_DIR.glob("*@*") if not p.name.startswith("@")]
    for old in [*unscoped, *VENDOR_DIR.glob("@*/*@*")]:
        if old not in kept:
            shutil.rmtree(old)
            print(f"removed {old.relative_to(VENDOR_DIR)}", file=sys.stderr)
    for scope in VENDOR_DIR.glob("@*"):
        if not any(scope.iterdir()):
            scope.rmdir()


if __name__ == "__main__":
    main()
