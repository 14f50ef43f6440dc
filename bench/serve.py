"""A real HTTP server for the end-to-end benchmark, and a client that talks to it as a
browser or the mobile app would.

PostgreSQL is served by gunicorn with the repository's ``gunicorn.conf.py`` (workers
and threads its defaults unless HOMELEDGER_WORKERS and HOMELEDGER_THREADS say more;
the address given on the command line, which overrides the file's). SQLite is served
by ``homeledger run``, as local mode is (waitress, 8 threads).

The production configuration marks its cookies ``Secure``; a browser would not send
them back over http://127.0.0.1, so the client keeps and sends them itself. That is
the only liberty taken: the sign-in is the real form with its CSRF token.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_command(port: int) -> tuple[list[str], dict[str, str], str]:
    """The command, the environment it adds, and how to say it in the report: the
    repository's gunicorn.conf.py as the README runs it (its own defaults unless the
    environment says more), on a port of the benchmark's."""
    bind = f"127.0.0.1:{port}"
    conf = ROOT / "gunicorn.conf.py"
    command = [str(BIN / "gunicorn"), "-c", str(conf), "--bind", bind, "homeledger.wsgi:app"]
    said = "gunicorn -c gunicorn.conf.py (HOMELEDGER_WORKERS={}, HOMELEDGER_THREADS={})"
    return (
        command,
        {},
        said.format(
            os.environ.get("HOMELEDGER_WORKERS", "default"),
            os.environ.get("HOMELEDGER_THREADS", "default"),
        ),
    )


@dataclass
class Server:
    """A server process started by the benchmark, and how long it took to answer."""

    command: list[str]
    env: dict[str, str]
    port: int
    log: Path
    process: subprocess.Popen | None = None
    ready_seconds: float | None = None

    def start(self, timeout: float = 60) -> float:
        """Launch, then poll the health endpoint until it answers 200: the seconds between."""
        started = time.perf_counter()
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                self.command,
                env={**os.environ, **self.env},
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped at start; see {self.log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/api/v1/health")
                if connection.getresponse().status == 200:
                    self.ready_seconds = time.perf_counter() - started
                    return self.ready_seconds
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.01)
        raise RuntimeError(f"the server did not answer within {timeout} s; see {self.log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float
    headers: dict[str, str] = field(default_factory=dict)

    def json(self):
        return json.loads(self.body)


class Client:
    """One keep-alive connection (reopened when the server closes it), with cookies
    and an optional bearer token."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.bearer: str | None = None
        self.refresh_token: str | None = None
        self.token_at = 0.0
        self._connection: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None
    ) -> Answer:
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.bearer and path.startswith("/api/"):
            sent["Authorization"] = f"Bearer {self.bearer}"
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            started = time.perf_counter()
            try:
                self._connection.request(method, path, body=body, headers=sent)
                response = self._connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - started
            if response.will_close:
                self.close()
            for header in response.headers.get_all("Set-Cookie") or ():
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Answer(response.status, data, seconds, dict(response.headers.items()))
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def form(self, path: str, fields: dict[str, str]) -> Answer:
        body = urllib.parse.urlencode(fields).encode()
        return self.request(
            "POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )

    def send_json(self, method: str, path: str, document) -> Answer:
        body = json.dumps(document).encode()
        return self.request(method, path, body=body, headers={"Content-Type": "application/json"})

    def csrf_token(self, path: str) -> str:
        return _CSRF.search(self.request("GET", path).body.decode())[1]

    def sign_in(self, username: str, password: str) -> None:
        """The web form (a session cookie) and the API (a bearer token)."""
        answer = self.form(
            "/login",
            {"username": username, "password": password, "csrf_token": self.csrf_token("/login")},
        )
        if answer.status != 302:
            raise RuntimeError(f"web sign-in as {username} answered {answer.status}")
        answer = self.send_json(
            "POST", "/api/v1/auth/login", {"username": username, "password": password}
        )
        if answer.status != 200:
            raise RuntimeError(f"API sign-in as {username} answered {answer.status}")
        self._tokens(answer.json())

    def _tokens(self, document: dict) -> None:
        self.bearer, self.refresh_token = document["access_token"], document["refresh_token"]
        self.token_at = time.monotonic()

    def fresh_token(self) -> None:
        """A new access token when this one is over ten minutes old (they last fifteen)."""
        if time.monotonic() - self.token_at < 600:
            return
        bearer, self.bearer = self.bearer, None
        answer = self.send_json(
            "POST", "/api/v1/auth/refresh", {"refresh_token": self.refresh_token}
        )
        if answer.status != 200:
            self.bearer = bearer
            raise RuntimeError(f"token refresh answered {answer.status}")
        self._tokens(answer.json())


def wait_until_idle(port: int, answered_within: float = 0.2, timeout: float = 120) -> None:
    """Until the health endpoint answers quickly twice in a row: the requests a load
    tool left queued in the server have been served."""
    client, quick, started = Client(port), 0, time.perf_counter()
    while quick < 2 and time.perf_counter() - started < timeout:
        quick = (
            quick + 1 if client.request("GET", "/api/v1/health").seconds < answered_within else 0
        )
    client.close()


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p95 of 30 values: the 29th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    latency_ms: dict[str, float]  # "50%", "75%", "90%", "99%"
    requests: int
    non_2xx: int
    errors: str | None


def wrk(url: str, headers: dict[str, str], seconds: int = 10) -> WrkResult | str:
    """wrk -t2 -c8 --latency against ``url``: its figures, or why there are none."""
    binary = shutil.which("wrk")
    if binary is None:
        return "wrk is not installed (apt-get install wrk)"
    command = [binary, "-t2", "-c8", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    return parse_wrk(done.stdout) if done.returncode == 0 else f"wrk failed: {done.stderr.strip()}"


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> WrkResult:
    latency = {
        share: float(value) * _UNITS[unit]
        for share, value, unit in re.findall(r"^\s+(\d+%)\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    }
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return WrkResult(
        float(rate[1]) if rate else 0.0,
        latency,
        int(total[1]) if total else 0,
        int(non_2xx[1]) if non_2xx else 0,
        errors[0] if errors else None,
    )
