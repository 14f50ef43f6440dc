"""JSON API v1 under /api/v1 for the mobile app, documented by OpenAPI from the code."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from homeledger.api.schemas import ErrorSchema

URL_PREFIX = "/api/v1"


class HomeledgerApi(Api):
    """flask-smorest's Api, minus its app-wide error handler: ours answers by path."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        pass


def install(app: Flask) -> HomeledgerApi:
    from homeledger.api import auth, health, me, security
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
                    "`token_expired` refresh once, otherwise sign in again."
                )
            },
            "servers": [{"url": "/"}],
        },
    )
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    security.install(app)
    for blueprint in (health.blp, auth.blp, me.blp):
        csrf.exempt(blueprint)  # bearer tokens, not cookies: nothing for CSRF to ride on
        api.register_blueprint(blueprint, url_prefix=URL_PREFIX + (blueprint.url_prefix or ""))
    return api
