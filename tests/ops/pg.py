"""A PostgreSQL server for the tests: the one named by ``SUPPLYLINE_TEST_POSTGRES`` (a URL),
or a throwaway one started from the distribution's ``initdb`` and ``pg_ctl`` on loopback
(run as the ``postgres`` user when the tests run as root). ``None`` and the reason when
neither can be had."""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from functools import cache

ENV = "SUPPLYLINE_TEST_POSTGRES"


def _binary(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@cache
def server() -> tuple[str | None, str]:
    """(URL of the server's ``postgres`` database, or None; the reason when None)."""
    if os.environ.get(ENV):
        return os.environ[ENV], ""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        return None, "no PostgreSQL server: set SUPPLYLINE_TEST_POSTGRES or install " \
                     "the postgresql package (initdb, pg_ctl)"
    folder = tempfile.mkdtemp(prefix="supplyline-pg-")
    prefix: list[str] = []
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            return None, "running as root and no 'postgres' user to start PostgreSQL as"
        os.chown(folder, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = os.path.join(folder, "data"), _free_port()
    try:
        subprocess.run([*prefix, initdb, "-D", data, "-A", "trust", "-U", "postgres",
                        "-E", "UTF8", "--no-sync"], check=True, capture_output=True,
                       timeout=120)
        subprocess.run([*prefix, pg_ctl, "-D", data, "-w", "-l", os.path.join(folder, "log"),
                        "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 "
                              "-c fsync=off -c max_connections=200", "start"],
                       check=True, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"PostgreSQL could not be started: {error}"

    def stop() -> None:
        subprocess.run([*prefix, pg_ctl, "-D", data, "-m", "immediate", "stop"],
                       capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)

    atexit.register(stop)
    return f"postgresql://postgres@127.0.0.1:{port}/postgres", ""


def fresh_database() -> str:
    """A new, empty database on the server; its URL."""
    import psycopg

    url, reason = server()
    assert url is not None, reason
    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name
