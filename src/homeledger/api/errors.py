"""One JSON error shape for every status: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

import json

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

_CODES = {
    400: "bad_request",
    401: "auth_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}
_SERVER_ERROR = "Something went wrong on our side. Nothing was changed."


def error_body(
    status: int,
    message: str,
    code: str | None = None,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict | None = None,
):
    """The JSON error; ``extra`` adds keys beside code and message (documented per route)."""
    body = {"error": {"code": code or _CODES.get(status, "error"), "message": message}}
    if fields:
        body["error"]["fields"] = fields
    body["error"].update(extra or {})
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        # RFC 6750: tells the client which scheme to use (and that it may retry with it).
        response.headers["WWW-Authenticate"] = (
            f'Bearer realm="homeledger", error="{body["error"]["code"]}"'
        )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


_LOCATIONS = ("json", "query", "form", "headers", "files", "path")


def _field_errors(messages) -> dict[str, str]:
    """webargs' ``{"json": {"field": ["msg", ...]}}`` flattened to ``{"field": "msg ..."}``."""
    if isinstance(messages, dict) and len(messages) == 1 and next(iter(messages)) in _LOCATIONS:
        messages = next(iter(messages.values()))
    fields: dict[str, str] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                name = "body" if key == "_schema" else str(key)
                walk(f"{prefix}.{name}" if prefix else name, inner)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            fields[prefix or "body"] = " ".join(value)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}", inner)
        else:
            fields[prefix or "body"] = str(value)

    walk("", messages)
    return fields


def api_error_response(error: Exception):
    """Any exception that reached Flask's error handling, as our JSON error."""
    answerable = isinstance(error, HTTPException) and (
        400 <= (error.code or 500) < 500 or error.code == 503
    )
    if not answerable:
        return error_body(500, _SERVER_ERROR)
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if status == 422 and messages:
        return error_body(422, "The request body is not valid.", fields=_field_errors(messages))
    if status == 429:
        return error_body(429, f"Too many attempts: {error.description}. Try again later.")
    return error_body(status, error.description or error.name)


def unreadable_json_answer():
    """A 400 for a JSON body that cannot be read, before any parser can choke on it; else None.

    Covers what a plain ``json.loads`` guard in a parser misses: nesting deep
    enough to exhaust recursion, integers too long to convert, and lone
    surrogates that no database or hash can encode.
    """
    if not request.is_json:
        return None
    raw = request.get_data(cache=True)
    if not raw.strip():
        return None  # no body: a route that needs one says so
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
