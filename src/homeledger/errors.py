"""Turning errors into answers: JSON under /api/, an HTML page everywhere else."""

from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, NotFound, UnprocessableEntity

from homeledger.extensions import db
from homeledger.services import errors as service_errors


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _answer(error: Exception):
    from homeledger.api.errors import api_error_response

    status = getattr(error, "code", 500) or 500
    if status >= 500:
        db.session.rollback()  # whatever failed half-way is not committed later
    if _is_api():
        return api_error_response(error)
    return render_template("errors/error.html", error=error, status=status), status


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


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _answer)
    app.register_error_handler(service_errors.ServiceError, _service_error)
