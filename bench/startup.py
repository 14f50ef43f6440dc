"""How soon a started server answers: gunicorn with the repository's gunicorn.conf.py
(the app built once, then two workers forked), from launch to the first 200 of
/api/v1/health, on SQLite and on a fresh PostgreSQL database; and the local one-command
mode (`homeledger run --demo`, what `make run` does), first run and later ones.
Prints figures; exits 0.

    python bench/startup.py
    HOMELEDGER_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1/postgres python bench/startup.py

Python's bytecode cache is on for the servers started here (an installed package has
one), and the first start of each kind fills it and is not counted.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from bench_databases import benchmark_databases
from sqlalchemy import create_engine

from homeledger import migrate

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HEALTH = "/api/v1/health"
STARTS = 5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int, path: str = HEALTH) -> int | None:
    """The status of one GET, or None when nothing listens yet."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Ready(NamedTuple):
    """A start: seconds from launch to the first 200, and the CPU seconds spent by then by
    the server process and the busiest of its children (a forked worker). The CPU figure
    is close to what the wall time would be on an idle machine: on a shared one the wall
    time also counts waiting for the cores."""

    wall: float
    cpu: float


def time_until_ready(command: list[str], env: dict, port: int, limit: float = 120) -> Ready:
    """Start ``command``, poll the health URL on ``port`` until it answers 200, stop it
    (``inf`` if it never answered)."""
    if answers(port) is not None:
        raise RuntimeError(f"port {port} already answers")
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while time.perf_counter() - started < limit and process.poll() is None:
            if answers(port) == 200:
                wall = time.perf_counter() - started
                children = [cpu_seconds(child) for child in children_of(process.pid)]
                return Ready(wall, cpu_seconds(process.pid) + max(children, default=0.0))
            time.sleep(0.005)
        return Ready(float("inf"), float("inf"))
    finally:
        stop(process)


def seconds_until_ready(command: list[str], env: dict, port: int, limit: float = 120) -> float:
    return time_until_ready(command, env, port, limit).wall


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def server_env(**settings: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(settings)
    return env


def production_env(url: str, port: int, workers: int = 2) -> dict:
    """What gunicorn.conf.py and the production configuration read, for a throwaway server."""
    return server_env(
        HOMELEDGER_CONFIG="production",
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(48),
        JWT_SECRET_KEY=secrets.token_urlsafe(48),
        HOMELEDGER_WORKERS=str(workers),
        HOMELEDGER_BIND=f"127.0.0.1:{port}",
    )


def gunicorn_command(*extra: str) -> list[str]:
    return [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), *extra]


def report(label: str, start: Callable[[int], tuple[list[str], dict]]) -> None:
    """Median and best of ``STARTS`` starts after a first one; ``start(port)`` gives the
    command and environment of a server on ``port`` (a new free port each time)."""
    first, *starts = (time_until_ready(*start(port), port) for port in _ports(STARTS + 1))
    walls, cpus = [s.wall for s in starts], [s.cpu for s in starts]
    print(
        f"  {label:<40} {statistics.median(walls):6.2f} s median, {min(walls):5.2f} best "
        f"of {STARTS}; CPU {statistics.median(cpus):.2f} s (first start {first.wall:.2f} s)"
    )


def _ports(count: int) -> Iterator[int]:
    for _ in range(count):
        yield free_port()


def gunicorn_figures() -> None:
    print(f"gunicorn -c gunicorn.conf.py homeledger.wsgi:app, 2 workers: launch to {HEALTH} 200")
    for label, url in benchmark_databases():
        with create_engine(url).begin() as connection:
            migrate.upgrade(connection)
        report(
            label,
            lambda port, url=url: (
                gunicorn_command("homeledger.wsgi:app"),
                production_env(url, port),
            ),
        )


def local_figures() -> None:
    print("homeledger run --demo (make run): launch to the first 200")
    with tempfile.TemporaryDirectory() as data_dir:
        env = server_env(HOMELEDGER_CONFIG="local", HOMELEDGER_DATA_DIR=data_dir)
        env.pop("DATABASE_URL", None)

        def start(port: int) -> tuple[list[str], dict]:
            return [str(BIN / "homeledger"), "run", "--demo", "--port", str(port)], env

        port = free_port()
        first = seconds_until_ready(*start(port), port)
        print(f"  {'first run (migrates, builds the demo)':<44} {first:6.2f} s")
        report("later runs", start)


if __name__ == "__main__":
    gunicorn_figures()
    local_figures()
