"""Input no view should ever see: NUL characters (PostgreSQL refuses them in text) and ids
larger than any INTEGER column."""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from homeledger.models.base import MAX_ID


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route, bounded: a larger number is a 404, not an overflow."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def _refuse_nul_characters():
    fields = list(request.args.items(multi=True))
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        fields += list(request.form.items(multi=True))
    for name, value in fields:
        name = name or ""  # a multipart part without a name: werkzeug keys it None
        if "\x00" in name or "\x00" in value:
            abort(400, description=f"The field {name.strip(chr(0))!r} contains a NUL character.")


def install_converters(app: Flask) -> None:
    """Must run before any route is registered."""
    app.url_map.converters["int"] = IdConverter


def install(app: Flask) -> None:
    app.before_request(_refuse_nul_characters)
