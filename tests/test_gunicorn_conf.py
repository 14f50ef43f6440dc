"""The production server: gunicorn.conf.py's settings from the environment, bad values
refused in one line, and a real start that answers from preloaded, forked workers."""

from __future__ import annotations

import gc
import http.client
import importlib.util
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from homeledger import create_app
from homeledger.config import TestConfig
from homeledger.extensions import db
from homeledger.serving import after_fork

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).parent / "gunicorn"
SERVER_VARIABLES = (
    "HOMELEDGER_WORKERS",
    "HOMELEDGER_THREADS",
    "HOMELEDGER_BIND",
    "HOMELEDGER_TIMEOUT",
    "HOMELEDGER_GRACEFUL_TIMEOUT",
    "HOMELEDGER_KEEPALIVE",
    "HOMELEDGER_POOL_MAX_OVERFLOW",
    "HOMELEDGER_POOL_TIMEOUT",
    "HOMELEDGER_POOL_RECYCLE",
    "HOMELEDGER_POOL_PRE_PING",
    "HOMELEDGER_PGBOUNCER",
    "WEB_CONCURRENCY",
    "PORT",
)


def _conf(monkeypatch, **env):
    """gunicorn.conf.py read as gunicorn reads it, with only ``env`` of its variables set."""
    for name in SERVER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", CONF)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    finally:
        gc.enable()  # the file turns collection off until the app is built
    return module


def test_defaults_preload_the_app_into_threaded_workers(monkeypatch):
    conf = _conf(monkeypatch)
    assert conf.preload_app is True
    assert conf.workers >= 2
    assert conf.threads == 4
    assert conf.worker_class == "gthread"
    assert conf.bind == ["127.0.0.1:8000"]
    assert conf.timeout == 120
    assert conf.graceful_timeout == 60
    assert conf.keepalive == 5
    assert conf.accesslog == "-"
    assert conf.errorlog == "-"
    assert "%(M)s" in conf.access_log_format  # the time each request took


def test_the_built_app_is_frozen_out_of_collections_before_the_fork(monkeypatch):
    conf = _conf(monkeypatch)
    gc.disable()  # as the file leaves it while gunicorn builds the app
    try:
        conf.when_ready(None)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()


def test_settings_come_from_the_environment(monkeypatch):
    conf = _conf(
        monkeypatch,
        HOMELEDGER_WORKERS="3",
        HOMELEDGER_THREADS="1",
        HOMELEDGER_BIND="127.0.0.1:9000, unix:/run/homeledger.sock",
        HOMELEDGER_TIMEOUT="300",
        HOMELEDGER_GRACEFUL_TIMEOUT="20",
        HOMELEDGER_KEEPALIVE="65",
    )
    assert (conf.workers, conf.threads, conf.worker_class) == (3, 1, "sync")
    assert conf.bind == ["127.0.0.1:9000", "unix:/run/homeledger.sock"]
    assert (conf.timeout, conf.graceful_timeout, conf.keepalive) == (300, 20, 65)


def test_platform_variables_are_followed_unless_overridden(monkeypatch):
    conf = _conf(monkeypatch, PORT="5055", WEB_CONCURRENCY="5")
    assert conf.bind == ["0.0.0.0:5055"]
    assert conf.workers == 5
    conf = _conf(monkeypatch, WEB_CONCURRENCY="5", HOMELEDGER_WORKERS="2")
    assert conf.workers == 2


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HOMELEDGER_WORKERS", "two"),
        ("HOMELEDGER_WORKERS", "0"),
        ("HOMELEDGER_WORKERS", "-1"),
        ("HOMELEDGER_THREADS", "1.5"),
        ("HOMELEDGER_THREADS", "0"),
        ("HOMELEDGER_TIMEOUT", "30s"),
        ("WEB_CONCURRENCY", "many"),
        ("PORT", "http"),
        ("HOMELEDGER_POOL_MAX_OVERFLOW", "-2"),
        ("HOMELEDGER_POOL_TIMEOUT", "0"),
        ("HOMELEDGER_PGBOUNCER", "maybe"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(monkeypatch, name, value):
    with pytest.raises(SystemExit) as stopped:
        _conf(monkeypatch, **{name: value})
    message = str(stopped.value.code)
    assert name in message
    assert repr(value) in message
    assert "\n" not in message


def test_gunicorn_refuses_a_bad_value_in_one_line(tmp_path):
    env = _server_env(f"sqlite:///{tmp_path / 'x.db'}", HOMELEDGER_WORKERS="0")
    done = subprocess.run(
        [GUNICORN, "-c", CONF, "--check-config", "homeledger.wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert done.stderr.strip() == (
        "gunicorn.conf.py: HOMELEDGER_WORKERS must be a whole number, 1 or more, not '0'"
    )


def test_building_the_app_opens_no_connection(tmp_path):
    app = create_app(TestConfig(f"sqlite:///{tmp_path / 'x.db'}"))
    with app.app_context():
        pool = db.engine.pool
        assert (pool.checkedin(), pool.checkedout()) == (0, 0)


def test_a_forked_worker_starts_with_an_empty_pool_and_leaves_the_parents_open(tmp_path):
    app = create_app(TestConfig(f"sqlite:///{tmp_path / 'x.db'}"))
    with app.app_context():
        with db.engine.connect() as connection:
            parents = connection.connection.dbapi_connection
        assert db.engine.pool.checkedin() == 1
        after_fork(app)
        assert db.engine.pool.checkedin() == 0
        assert parents.execute("SELECT 1").fetchone() == (1,)  # not closed under the parent
        db.engine.dispose()


def test_a_real_start_answers_from_forked_workers(migrated_sqlite_template, tmp_path):
    path = tmp_path / "served.db"
    shutil.copyfile(migrated_sqlite_template, path)
    port = _free_port()
    env = _server_env(
        f"sqlite:///{path}",
        HOMELEDGER_WORKERS="2",
        HOMELEDGER_THREADS="2",
        HOMELEDGER_BIND=f"127.0.0.1:{port}",
    )
    server = subprocess.Popen(
        [GUNICORN, "-c", CONF, "homeledger.wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _first_status(port, server) == 200
        statuses = {_get(port, "/api/v1/health")[0] for _ in range(20)}
        invite_status, _ = _get(port, "/invite/not-a-real-secret-token")
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=60)
    assert statuses == {200}
    assert invite_status in (200, 404)
    assert err.count("Booting worker with pid") == 2
    assert "Traceback" not in err
    assert '"GET /api/v1/health" 200' in out  # the access log, on stdout
    assert "not-a-real-secret-token" not in out + err
    assert '"GET /invite/…"' in out


def _server_env(url: str, **settings: str) -> dict:
    env = {k: v for k, v in __import__("os").environ.items() if k not in SERVER_VARIABLES}
    env.update(
        HOMELEDGER_CONFIG="production",
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(48),
        JWT_SECRET_KEY=secrets.token_urlsafe(48),
    )
    env.pop("REDIS_URL", None)
    env.update(settings)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _first_status(port: int, server: subprocess.Popen, limit: float = 60) -> int | None:
    """The first answer of the health URL, polling while the server starts."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and server.poll() is None:
        try:
            return _get(port, "/api/v1/health")[0]
        except OSError:
            time.sleep(0.05)
    return None
