"""Turning errors into answers: JSON under /api/, an HTML page everywhere else."""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, current_app, g, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import (
    Forbidden,
    HTTPException,
    NotFound,
    ServiceUnavailable,
    UnprocessableEntity,
)

from homeledger.extensions import db, login_manager
from homeledger.ledger_roles import ReadOnly
from homeledger.services import errors as service_errors

# How long a client should wait before trying again when the database is away.
RETRY_AFTER_SECONDS = 30


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _headers(error: Exception) -> list[tuple[str, str]]:
    """What an HTTP exception says besides its body: ``Allow`` on a 405, for instance."""
    if not isinstance(error, HTTPException):
        return []
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def _answer(error: Exception):
    from homeledger.api.errors import api_error_response

    status = getattr(error, "code", 500) or 500
    if status >= 500:
        with suppress(SQLAlchemyError):  # a dead connection cannot roll back; it is replaced
            db.session.rollback()  # whatever failed half-way is not committed later
    if _is_api():
        response = api_error_response(error)
        response.headers.extend(_headers(error))
        return response
    return render_template("errors/error.html", error=error, status=status), status, _headers(error)


def _service_error(error: service_errors.ServiceError):
    """A service refused: 422 naming the fields, or 404 for what is not in the ledger."""
    from homeledger.api.errors import error_body

    db.session.rollback()  # nothing of a refused request is kept
    if isinstance(error, service_errors.NotFound):
        if _is_api():
            return error_body(404, str(error).capitalize() + ".")
        return _answer(NotFound(str(error).capitalize() + "."))
    fields = getattr(error, "fields", None) or {"_": str(error)}
    if _is_api():
        fields = {("body" if k == "_" else k): v for k, v in fields.items()}
        return error_body(422, "The request was not accepted.", fields=fields)
    return _answer(UnprocessableEntity(str(error)))


def _forbidden(error: ReadOnly | service_errors.OwnerOnly):
    """A member of a shared ledger tried what their role does not allow: 403, and for a
    viewer's write attempt an audit entry (written after the refused work is rolled back)."""
    from homeledger.api.errors import error_body
    from homeledger.services import sharing

    with suppress(SQLAlchemyError):
        db.session.rollback()  # nothing of the refused request is kept
    if isinstance(error, ReadOnly):
        sharing.record_refused_write(db.session, error, request.method, request.path)
        db.session.commit()
        code = "read_only"
    else:
        code = "owner_required"
    message = str(error)[:1].upper() + str(error)[1:] + "."
    if _is_api():
        return error_body(403, message, code=code)
    return _answer(Forbidden(message))


def _database_unavailable(error: SQLAlchemyError):
    """The database cannot be reached or is busy: 503 with Retry-After, logged in one line.

    Nothing was written (the transaction is rolled back), and the next request
    tries again on a fresh connection, so the app recovers by itself.
    """
    from homeledger.api.errors import error_body

    current_app.logger.error(
        "Database unavailable during %s %s: %s",
        request.method,
        request.path,
        (str(getattr(error, "orig", None) or error).splitlines() or [type(error).__name__])[0],
    )
    with suppress(SQLAlchemyError):  # the connection may be gone already; the pool replaces it
        db.session.rollback()
    # The page must not reach for the database again: a loaded user's attributes are
    # expired by the rollback, and reading them would query.
    g._login_user = login_manager.anonymous_user()
    message = "The database is not answering right now. Nothing was changed; try again shortly."
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if _is_api():
        return error_body(503, message, code="service_unavailable", headers=retry)
    page = render_template("errors/error.html", error=ServiceUnavailable(message), status=503)
    return page, 503, retry


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _answer)
    app.register_error_handler(service_errors.ServiceError, _service_error)
    app.register_error_handler(ReadOnly, _forbidden)
    app.register_error_handler(service_errors.OwnerOnly, _forbidden)  # before ServiceError's
    for outage in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(outage, _database_unavailable)
