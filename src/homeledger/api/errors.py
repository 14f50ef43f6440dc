"""One JSON error shape for every status: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException

_CODES = {
    400: "bad_request",
    401: "auth_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
}


def error_body(status: int, message: str, code: str | None = None, fields: dict | None = None):
    body = {"error": {"code": code or _CODES.get(status, "error"), "message": message}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def api_error_response(error: Exception):
    if isinstance(error, HTTPException):
        status = error.code or 500
        message = error.description if status != 500 else "Something went wrong on our side."
    else:
        status, message = 500, "Something went wrong on our side."
    return error_body(status, message)
