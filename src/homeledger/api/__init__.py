"""JSON API v1 under /api/v1 for the mobile app, documented by OpenAPI from the code."""

from __future__ import annotations

import json

from flask import Flask, request
from flask_smorest import Api

from homeledger.api.errors import error_body
from homeledger.api.schemas import ErrorSchema

URL_PREFIX = "/api/v1"


def _refuse_unreadable_json():
    """A JSON body that cannot be read is a 400 here, before any parser can choke on it.

    Covers what a plain ``json.loads`` guard in a parser misses: nesting deep
    enough to exhaust recursion, integers too long to convert, and lone
    surrogates that no database or hash can encode.
    """
    if not request.path.startswith(URL_PREFIX + "/") or not request.is_json:
        return None
    raw = request.get_data(cache=True)
    if not raw:
        return None
    try:
        body = json.loads(raw)
        json.dumps(body, ensure_ascii=False).encode()
        has_nul = _has_nul(body)
    except (ValueError, RecursionError, UnicodeError):
        return error_body(400, "The request body is not valid JSON text.")
    if has_nul:
        return error_body(400, "The request body contains a NUL character.")
    return None


def _has_nul(value) -> bool:
    """PostgreSQL refuses NUL in text, so no key or string may carry one."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class HomeledgerApi(Api):
    """flask-smorest's Api, minus its app-wide error handler: ours answers by path."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        pass


def install(app: Flask) -> HomeledgerApi:
    from homeledger.api import auth, health, imports, ledger, me, security
    from homeledger.extensions import csrf

    api = HomeledgerApi(
        app,
        spec_kwargs={
            "info": {
                "description": (
                    "Bearer-token API for the Homeledger mobile app. Every error has the shape "
                    '`{"error": {"code": ..., "message": ..., "fields": {...}}}`. '
                    "A 401's `code` is one of `auth_required`, `token_expired`, "
                    "`token_invalid`, `token_revoked`, `account_inactive`: on "
                    "`token_expired` refresh once, otherwise sign in again. The token is "
                    "checked before the body. A 403 `password_change_required` means: "
                    "change the temporary password (POST /api/v1/me/password) first. "
                    "A 503 `service_unavailable` carries `Retry-After`: the database is "
                    "away, nothing was changed, try again then."
                )
            },
            "servers": [{"url": "/"}],
        },
    )
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    security.install(app)
    app.before_request(_refuse_unreadable_json)
    for blueprint in (health.blp, auth.blp, me.blp, ledger.blp, imports.blp):
        csrf.exempt(blueprint)  # bearer tokens, not cookies: nothing for CSRF to ride on
        api.register_blueprint(blueprint, url_prefix=URL_PREFIX + (blueprint.url_prefix or ""))
    return api
