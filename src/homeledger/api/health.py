"""Liveness for load balancers: answers when the app and its database respond."""

from __future__ import annotations

from flask import jsonify
from sqlalchemy import literal, select

from homeledger.api import api_bp
from homeledger.api.errors import error_body
from homeledger.extensions import db


@api_bp.get("/health")
def health():
    """200 {"status": "ok"} when the database answers, 503 otherwise. No data, no auth."""
    try:
        db.session.execute(select(literal(1)))
    except Exception:  # any database failure means "not healthy", which is the answer
        db.session.rollback()
        return error_body(503, "The database is not reachable.", code="unavailable")
    return jsonify({"status": "ok"})
