"""Start `crm serve --demo` on the embedded database, query it over HTTP, stop it cleanly."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

QUERY = "{ members(first: 3) { totalCount edges { node { id displayName } } } }"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_key(log: Path, process: subprocess.Popen[bytes], deadline: float) -> str:
    while time.monotonic() < deadline:
        found = re.search(r"Admin API key:\s*(crm_\S+)", log.read_text(errors="replace"))
        if found:
            return found.group(1)
        if process.poll() is not None:
            sys.exit(f"crm serve exited early:\n{log.read_text()}")
        time.sleep(0.5)
    sys.exit(f"no API key printed in time:\n{log.read_text()}")


def wait_healthy(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    sys.exit("the server never became healthy")


def main() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="crm-smoke-") as folder:
        log = Path(folder) / "serve.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
        with log.open("wb") as out:
            process = subprocess.Popen(
                ["crm", "serve", "--demo", "--port", str(port)],
                cwd=folder,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 120
        key = wait_for_key(log, process, deadline)
        wait_healthy(url, deadline)
        unauthorised = httpx.post(f"{url}/graphql", json={"query": QUERY}, timeout=10)
        assert unauthorised.status_code == 401, unauthorised.text
        answer = httpx.post(
            f"{url}/graphql",
            json={"query": QUERY},
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        )
        body = answer.json()
        assert answer.status_code == 200 and "errors" not in body, body
        assert body["data"]["members"]["totalCount"] > 0, body
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=60)
        assert code == 0, f"crm serve exited with {code}:\n{log.read_text()}"
        leftovers = subprocess.run(
            ["pgrep", "-f", f"postgres -D {folder}"], capture_output=True, text=True
        ).stdout.strip()
        assert not leftovers, f"the embedded PostgreSQL is still running: {leftovers}"
        print(f"smoke test passed: {body['data']['members']['totalCount']} members served")


if __name__ == "__main__":
    main()
