"""Configuration classes, read from the environment."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import platformdirs

# Secrets that have been published somewhere (tutorials, our own docs, .env
# samples) and must never protect a real deployment.
KNOWN_DEFAULT_SECRETS = frozenset(
    {
        "dev",
        "secret",
        "changeme",
        "change-me",
        "change_me",
        "development",
        "you-will-never-guess",
        "super-secret",
        "supersecret",
        "secret-key",
        "jwt-secret",
        "replace-me",
        "homeledger",
    }
)
MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The environment does not describe a configuration we can safely start with."""


def normalise_database_url(url: str) -> str:
    """Accept the URL forms hosting providers hand out and pick our driver.

    Heroku-style ``postgres://`` and plain ``postgresql://`` both mean
    PostgreSQL through psycopg 3, which is the driver we ship.
    """
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# Threads per server process when HOMELEDGER_THREADS is not set (gunicorn.conf.py reads
# the same variable), so each process's pool holds one connection per thread.
DEFAULT_THREADS = 4
_SWITCH = {"1": True, "true": True, "yes": True, "on": True}
_SWITCH.update({"0": False, "false": False, "no": False, "off": False})


def whole_number_from_env(name: str, default: int, *, minimum: int = 1, environ=None) -> int:
    """``name`` from the environment as a whole number of at least ``minimum``; one clear
    line naming the variable otherwise (a server refuses to start on a typo)."""
    raw = (os.environ if environ is None else environ).get(name)
    if raw is None or not raw.strip():
        return default
    value = raw.strip()
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise ConfigError(f"{name} must be a whole number, {minimum} or more, not {raw!r}")
    return int(value)


def switch_from_env(name: str, default: bool, *, environ=None) -> bool:
    """``name`` from the environment as on (1, true, yes, on) or off (0, false, no, off)."""
    raw = (os.environ if environ is None else environ).get(name)
    if raw is None or not raw.strip():
        return default
    if raw.strip().lower() not in _SWITCH:
        raise ConfigError(f"{name} must be 1 or 0 (on or off), not {raw!r}")
    return _SWITCH[raw.strip().lower()]


def threads_from_env(environ=None) -> int:
    """Threads per server process: ``HOMELEDGER_THREADS``, else ``DEFAULT_THREADS``."""
    return whole_number_from_env("HOMELEDGER_THREADS", DEFAULT_THREADS, environ=environ)


def engine_options_for(url: str, *, threads: int | None = None, environ=None) -> dict:
    """Pool settings for one server process, from the environment.

    One connection per thread (``threads``, else ``HOMELEDGER_THREADS``) and a few more
    for a request that briefly needs a second (a download streams on its own
    connection), so a process never waits on itself. Server databases drop idle
    connections, so they are pinged before use and recycled. Behind PgBouncer in
    transaction mode (``HOMELEDGER_PGBOUNCER=1``) each transaction may run on another
    server connection, so psycopg must not prepare statements on the server; the acting
    ledger is set per transaction (``set_config(..., true)``) and is safe there.
    """
    if url.startswith("sqlite"):
        return {}
    recycle = whole_number_from_env("HOMELEDGER_POOL_RECYCLE", 300, minimum=0, environ=environ)
    options = {
        "pool_size": threads if threads is not None else threads_from_env(environ),
        "max_overflow": whole_number_from_env(
            "HOMELEDGER_POOL_MAX_OVERFLOW", 2, minimum=0, environ=environ
        ),
        "pool_timeout": whole_number_from_env("HOMELEDGER_POOL_TIMEOUT", 10, environ=environ),
        "pool_pre_ping": switch_from_env("HOMELEDGER_POOL_PRE_PING", True, environ=environ),
        "pool_recycle": recycle or -1,  # 0: never recycle
    }
    if switch_from_env("HOMELEDGER_PGBOUNCER", False, environ=environ):
        options["connect_args"] = {"prepare_threshold": None}
    return options


def local_data_dir() -> Path:
    """Where local mode keeps its SQLite file and generated secret."""
    override = os.environ.get("HOMELEDGER_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir("homeledger"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _local_secret(data_dir: Path, name: str) -> str:
    """A random secret generated on first use and kept beside the database (mode 0600)."""
    path = data_dir / name
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


class Config:
    """Settings shared by every environment; subclasses fill in the secrets and database."""

    SQLALCHEMY_DATABASE_URI: str = ""
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Connections each process's pool keeps: None reads HOMELEDGER_THREADS (gunicorn's).
    POOL_THREADS: int | None = None
    SECRET_KEY: str = ""
    JWT_SECRET_KEY: str = ""
    REDIS_URL: str | None = None
    # Password hashing cost (argon2id). Tests lower it; everything else uses these.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536  # KiB
    ARGON2_PARALLELISM = 4
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "homeledger_session"
    REMEMBER_COOKIE_HTTPONLY = True
    # A browser session ends after this long idle, and after the absolute lifetime regardless.
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    TESTING = False

    # API bearer tokens: short-lived signed access tokens, opaque rotating refresh tokens.
    JWT_ALGORITHM = "HS256"
    JWT_DECODE_ALGORITHMS = ("HS256",)  # pinned: "none" and every other algorithm refused
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=15)
    JWT_ENCODE_ISSUER = JWT_DECODE_ISSUER = "homeledger"
    JWT_ENCODE_AUDIENCE = JWT_DECODE_AUDIENCE = "homeledger-api"
    JWT_TOKEN_LOCATION = ("headers",)
    JWT_IDENTITY_CLAIM = "sub"
    REFRESH_TOKEN_LIFETIME = timedelta(days=30)
    # A just-rotated refresh token presented again within this many seconds gets a new
    # pair of the same device instead of signing the device out: an app resuming with
    # two requests in flight sends its token twice. 0 turns the window off.
    REFRESH_REUSE_GRACE_SECONDS = 10

    # Rate limits (Flask-Limiter syntax). Storage is Redis when REDIS_URL is set,
    # so every worker process counts against the same limit.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = "homeledger"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "5 per minute;20 per hour"
    REFRESH_RATE_LIMIT = "30 per minute;300 per hour"
    PASSWORD_CHANGE_RATE_LIMIT = "5 per minute;20 per hour"  # noqa: S105 (a limit)
    # A device that has signed in as a user before (OWASP "device cookies") gets past a
    # per-username lockout with this signed token: the cookie on the web, device_token
    # in the API. It has its own limit, so a stolen token cannot brute-force either.
    DEVICE_COOKIE_NAME = "homeledger_device"
    DEVICE_TOKEN_LIFETIME = timedelta(days=365)
    LOGIN_DEVICE_RATE_LIMIT = "5 per minute;10 per hour"
    # How many reverse proxies in front of the app may set X-Forwarded-*; 0 trusts none.
    TRUSTED_PROXY_HOPS = 0
    HSTS = False

    # OpenAPI document and its reading page, both under the API prefix.
    API_TITLE = "Homeledger API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_REDOC_PATH = "docs"
    OPENAPI_REDOC_URL = "/static/vendor/redoc-2.5.4/redoc.standalone.js"

    def __init__(self, database_url: str | None = None, **overrides) -> None:
        if database_url is not None:
            self.SQLALCHEMY_DATABASE_URI = normalise_database_url(database_url)
        for key, value in overrides.items():
            setattr(self, key, value)
        if not getattr(self, "SQLALCHEMY_ENGINE_OPTIONS", None):
            self.SQLALCHEMY_ENGINE_OPTIONS = engine_options_for(
                self.SQLALCHEMY_DATABASE_URI, threads=self.POOL_THREADS
            )
        if self.REDIS_URL and "RATELIMIT_STORAGE_URI" not in overrides:
            self.RATELIMIT_STORAGE_URI = self.REDIS_URL

    def _read_common_env(self) -> None:
        """Settings every served configuration reads the same way."""
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        hops = os.environ.get("TRUSTED_PROXY_HOPS", "0").strip()
        if not hops.isdigit():
            raise ConfigError(f"TRUSTED_PROXY_HOPS must be a whole number, not {hops!r}")
        self.TRUSTED_PROXY_HOPS = int(hops)
        grace = os.environ.get("REFRESH_REUSE_GRACE_SECONDS")
        if grace is not None:
            if not (grace.strip().isascii() and grace.strip().isdigit()):
                raise ConfigError(
                    "REFRESH_REUSE_GRACE_SECONDS must be a whole number of seconds "
                    f"(0 turns the grace window off), not {grace!r}"
                )
            self.REFRESH_REUSE_GRACE_SECONDS = int(grace)

    def validate(self) -> None:
        """Raise ConfigError if this configuration must not serve requests."""
        if not self.SQLALCHEMY_DATABASE_URI:
            raise ConfigError("no database configured: set DATABASE_URL")
        # Flask-Login skips @login_required when this is set; we never allow it.
        if getattr(self, "LOGIN_DISABLED", False):
            raise ConfigError("LOGIN_DISABLED is not supported: every user signs in")
        if self.REDIS_URL and not self.REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError("REDIS_URL must start with redis://, rediss:// or unix://")
        grace = self.REFRESH_REUSE_GRACE_SECONDS
        if type(grace) is not int or grace < 0:
            raise ConfigError(
                "REFRESH_REUSE_GRACE_SECONDS must be a whole number of seconds, 0 or more "
                f"(0 turns the grace window off), not {grace!r}"
            )


class LocalConfig(Config):
    """One person on their own machine: SQLite in the user's data folder, 127.0.0.1 only.

    ``DATABASE_URL`` still wins when set, so a developer can point local mode at
    PostgreSQL. Secrets are random per installation, generated on first run.
    """

    POOL_THREADS = 8  # `homeledger run` serves with waitress's 8 threads

    def __init__(self, **overrides) -> None:
        data_dir = local_data_dir()
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'homeledger.db'}"
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret(data_dir, "secret_key")
        self.JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY") or _local_secret(
            data_dir, "jwt_secret_key"
        )
        self._read_common_env()
        super().__init__(database_url=url, **overrides)


class ProductionConfig(Config):
    """A served deployment: everything from the environment, nothing defaulted."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True

    def __init__(self, **overrides) -> None:
        self.SECRET_KEY = os.environ.get("SECRET_KEY", "")
        self.JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY", "")
        self._read_common_env()
        super().__init__(database_url=os.environ.get("DATABASE_URL", ""), **overrides)

    def validate(self) -> None:
        super().validate()
        for name in ("SECRET_KEY", "JWT_SECRET_KEY"):
            value = getattr(self, name) or ""
            if not value:
                raise ConfigError(f"{name} is not set")
            if value.strip().lower() in KNOWN_DEFAULT_SECRETS:
                raise ConfigError(f"{name} is a published default; generate a random one")
            if len(value) < MIN_SECRET_LENGTH:
                raise ConfigError(
                    f"{name} is too short ({len(value)} characters, need {MIN_SECRET_LENGTH}+)"
                )
        if self.SECRET_KEY == self.JWT_SECRET_KEY:
            raise ConfigError("SECRET_KEY and JWT_SECRET_KEY must differ")


class TestConfig(Config):
    """The test suite: a throwaway database per test, cheap password hashing."""

    __test__ = False  # not a pytest test class, despite the name

    TESTING = True
    POOL_THREADS = 8  # the race tests send six requests at once
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1

    def __init__(self, database_url: str, **overrides) -> None:
        self.SECRET_KEY = secrets.token_urlsafe(48)
        self.JWT_SECRET_KEY = secrets.token_urlsafe(48)
        super().__init__(database_url=database_url, **overrides)


def config_from_env(name: str | None = None) -> Config:
    """The configuration named by ``HOMELEDGER_CONFIG`` (local or production)."""
    name = (name or os.environ.get("HOMELEDGER_CONFIG") or "local").lower()
    if name == "production":
        return ProductionConfig()
    if name == "local":
        return LocalConfig()
    raise ConfigError(f"HOMELEDGER_CONFIG must be 'local' or 'production', not {name!r}")
