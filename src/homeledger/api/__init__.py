"""JSON API v1 under /api/v1 for the mobile app, documented by OpenAPI from the code."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from flask import Flask, current_app, request
from flask_smorest import Api
from marshmallow import Schema

from homeledger.api.errors import unreadable_json_answer
from homeledger.api.schemas import ErrorSchema

URL_PREFIX = "/api/v1"


def _refuse_unreadable_json_on_public_routes():
    """Sign-in, refresh and health read their body with no token to check first.

    Every other route checks the token before it looks at the body at all
    (``security._signed_in``), so an expired token is ``token_expired`` whatever
    was sent, and no anonymous client makes the server parse a large body.
    """
    if not request.path.startswith(URL_PREFIX + "/"):
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "requires_token", False):
        return None
    return unreadable_json_answer()


class HomeledgerApi(Api):
    """flask-smorest's Api, minus its app-wide error handler (ours answers by path), with
    the endpoints' documentation written when the document is first asked for.

    Registering a blueprint's routes is all a request needs; writing its part of the
    OpenAPI document is a tenth of building the app, which a server would pay at every
    start for a document few ask for. ``spec`` writes what is missing, in the order the
    blueprints were registered, so the document is the same as written at once.
    """

    ERROR_SCHEMA = ErrorSchema

    def __init__(self, *args, **kwargs) -> None:
        self._undocumented: list[tuple] = []
        self._documenting = threading.Lock()
        super().__init__(*args, **kwargs)

    @property
    def spec(self):
        if self._undocumented:
            self._document()
        return self._spec

    @spec.setter
    def spec(self, value) -> None:
        self._spec = value

    def register_blueprint(self, blp, *, parameters=None, **options) -> None:
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    def _document(self) -> None:
        with self._documenting:  # two threads of a worker may ask at once
            while self._undocumented:
                blp, name, parameters = self._undocumented[0]
                blp.register_views_in_doc(
                    self, self._app, self._spec, name=name, parameters=parameters
                )
                self._spec.tag({"name": name, "description": blp.description})
                self._undocumented.pop(0)

    def _register_error_handlers(self) -> None:
        pass


@contextlib.contextmanager
def schemas_shared_in_docs() -> Iterator[None]:
    """Marshmallow schemas are not deep-copied while the endpoints are documented.

    flask-smorest deep-copies an endpoint's documentation at each of its decorators and
    again when its blueprint is registered, and with it every schema instance it names:
    a quarter of building the app. Those copies are only read to write the OpenAPI
    document, which comes out the same with the schemas shared (a test compares it);
    the schemas that load and dump requests are the decorators' own, not copies.
    """
    before = Schema.__dict__.get("__deepcopy__")
    Schema.__deepcopy__ = _same_schema
    try:
        yield
    finally:
        if before is None:
            del Schema.__deepcopy__
        else:
            Schema.__deepcopy__ = before


def _same_schema(schema: Schema, memo: dict) -> Schema:
    return schema


def install(app: Flask) -> HomeledgerApi:
    """The API's blueprints and its OpenAPI document, on ``app``."""
    with schemas_shared_in_docs():
        return _install(app)


def _install(app: Flask) -> HomeledgerApi:
    from homeledger.api import (
        admin_audit,
        admin_users,
        analytics,
        auth,
        budget_advice,
        budgets,
        commitments,
        debts,
        goals,
        health,
        imports,
        ledger,
        legacy_uploads,
        me,
        me_data,
        me_settings,
        onboarding,
        security,
        sharing,
    )
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
                    "change the temporary password (POST /api/v1/me/password) first; "
                    "`onboarding_required` means: finish the first-run wizard "
                    "(/api/v1/onboarding) first. "
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
    app.before_request(_refuse_unreadable_json_on_public_routes)
    blueprints = (
        health,
        auth,
        me,
        me_data,
        me_settings,
        onboarding,
        sharing,
        ledger,
        imports,
        legacy_uploads,
        budgets,
        budget_advice,
        commitments,
        debts,
        goals,
        analytics,
        admin_audit,
        admin_users,
    )
    for blueprint in (module.blp for module in blueprints):
        csrf.exempt(blueprint)  # bearer tokens, not cookies: nothing for CSRF to ride on
        api.register_blueprint(blueprint, url_prefix=URL_PREFIX + (blueprint.url_prefix or ""))
    return api
