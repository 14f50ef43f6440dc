"""Configuration: database URLs, pool settings, and refusing unsafe secrets."""

from __future__ import annotations

import pytest

from homeledger import create_app
from homeledger.config import (
    ConfigError,
    LocalConfig,
    ProductionConfig,
    TestConfig,
    engine_options_for,
    normalise_database_url,
)

GOOD_SECRET = "k" * 20 + "4fJ9-random-enough-value"
GOOD_JWT_SECRET = "j" * 20 + "x8Q2-another-random-value"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "postgres://u:p@db.example:5432/ledger",
            "postgresql+psycopg://u:p@db.example:5432/ledger",
        ),
        (
            "postgresql://u@host/ledger?sslmode=require",
            "postgresql+psycopg://u@host/ledger?sslmode=require",
        ),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_urls_from_hosting_providers_are_accepted(given, expected):
    assert normalise_database_url(given) == expected


def _production(monkeypatch, **env):
    base = {
        "DATABASE_URL": "postgres://u@h/db",
        "SECRET_KEY": GOOD_SECRET,
        "JWT_SECRET_KEY": GOOD_JWT_SECRET,
    }
    base.update(env)
    for key, value in base.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    return ProductionConfig()


def test_production_pool_pings_and_recycles_connections(monkeypatch):
    config = _production(monkeypatch)
    config.validate()
    assert config.SQLALCHEMY_DATABASE_URI.startswith("postgresql+psycopg://")
    assert config.SQLALCHEMY_ENGINE_OPTIONS["pool_pre_ping"] is True
    assert 0 < config.SQLALCHEMY_ENGINE_OPTIONS["pool_recycle"] <= 600
    assert config.SESSION_COOKIE_SECURE is True


def test_each_worker_pools_a_connection_per_thread(monkeypatch):
    options = _production(monkeypatch, HOMELEDGER_THREADS="6").SQLALCHEMY_ENGINE_OPTIONS
    assert options["pool_size"] == 6
    assert options["max_overflow"] == 2
    assert options["pool_timeout"] == 10
    assert "connect_args" not in options  # psycopg prepares repeated statements as usual


def test_pool_settings_come_from_the_environment(monkeypatch):
    config = _production(
        monkeypatch,
        HOMELEDGER_POOL_MAX_OVERFLOW="0",
        HOMELEDGER_POOL_TIMEOUT="3",
        HOMELEDGER_POOL_RECYCLE="0",
        HOMELEDGER_POOL_PRE_PING="off",
    )
    options = config.SQLALCHEMY_ENGINE_OPTIONS
    assert (options["max_overflow"], options["pool_timeout"]) == (0, 3)
    assert options["pool_recycle"] == -1  # 0: never recycled
    assert options["pool_pre_ping"] is False


def test_behind_pgbouncer_no_statement_is_prepared_on_the_server(monkeypatch):
    options = _production(monkeypatch, HOMELEDGER_PGBOUNCER="1").SQLALCHEMY_ENGINE_OPTIONS
    assert options["connect_args"] == {"prepare_threshold": None}
    assert engine_options_for("sqlite:///x.db") == {}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HOMELEDGER_THREADS", "four"),
        ("HOMELEDGER_POOL_RECYCLE", "-1"),
        ("HOMELEDGER_PGBOUNCER", "2"),
    ],
)
def test_a_bad_pool_setting_stops_start_up_naming_it(monkeypatch, name, value):
    with pytest.raises(ConfigError, match=f"^{name} must be .*not {value!r}$"):
        _production(monkeypatch, **{name: value})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"JWT_SECRET_KEY": ""}, "JWT_SECRET_KEY is not set"),
        ({"SECRET_KEY": "changeme"}, "published default"),
        ({"SECRET_KEY": "you-will-never-guess"}, "published default"),
        ({"SECRET_KEY": "short-but-random-3x9"}, "too short"),
        ({"JWT_SECRET_KEY": GOOD_SECRET}, "must differ"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(monkeypatch, env, message):
    config = _production(monkeypatch, **env)
    with pytest.raises(ConfigError, match=message):
        create_app(config)


def test_local_mode_generates_and_keeps_its_own_secrets(monkeypatch, tmp_path):
    monkeypatch.setenv("HOMELEDGER_DATA_DIR", str(tmp_path))
    for key in ("DATABASE_URL", "SECRET_KEY", "JWT_SECRET_KEY"):
        monkeypatch.delenv(key, raising=False)
    first, second = LocalConfig(), LocalConfig()
    assert first.SECRET_KEY == second.SECRET_KEY
    assert len(first.SECRET_KEY) >= 32 and first.SECRET_KEY != first.JWT_SECRET_KEY
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert first.SQLALCHEMY_DATABASE_URI == f"sqlite:///{tmp_path / 'homeledger.db'}"


def test_no_configuration_value_switches_sign_in_off(tmp_path):
    config = TestConfig(f"sqlite:///{tmp_path / 'x.db'}", LOGIN_DISABLED=True)
    with pytest.raises(ConfigError, match="LOGIN_DISABLED"):
        create_app(config)


def test_the_refresh_grace_window_is_ten_seconds_unless_set(monkeypatch):
    monkeypatch.delenv("REFRESH_REUSE_GRACE_SECONDS", raising=False)
    assert _production(monkeypatch).REFRESH_REUSE_GRACE_SECONDS == 10
    assert (
        _production(monkeypatch, REFRESH_REUSE_GRACE_SECONDS=" 0 ").REFRESH_REUSE_GRACE_SECONDS == 0
    )
    assert (
        _production(monkeypatch, REFRESH_REUSE_GRACE_SECONDS="30").REFRESH_REUSE_GRACE_SECONDS == 30
    )


@pytest.mark.parametrize("value", ["-1", "1.5", "ten", "", "\u0663"])
def test_a_refresh_grace_window_that_is_not_a_whole_number_stops_start_up(monkeypatch, value):
    with pytest.raises(ConfigError, match="REFRESH_REUSE_GRACE_SECONDS must be a whole number"):
        _production(monkeypatch, REFRESH_REUSE_GRACE_SECONDS=value)


@pytest.mark.parametrize("value", [-1, 2.5, "10", True])
def test_a_refresh_grace_window_given_in_code_is_checked_too(value):
    with pytest.raises(ConfigError, match="REFRESH_REUSE_GRACE_SECONDS"):
        TestConfig("sqlite://", REFRESH_REUSE_GRACE_SECONDS=value).validate()
