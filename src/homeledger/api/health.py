"""Liveness for load balancers: answers when the app and its database respond."""

from __future__ import annotations

from flask_smorest import Blueprint

from homeledger.api.errors import error_body
from homeledger.api.schemas import HealthSchema
from homeledger.extensions import db
from homeledger.services.health import database_answers

blp = Blueprint("api_health", __name__, description="Is the service up?")


@blp.get("/health")
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema="Error", description="The database is not reachable.")
def health():
    """200 when the database answers, 503 otherwise. No data, no sign-in."""
    if not database_answers(db.session):
        return error_body(503, "The database is not reachable.", code="unavailable")
    return {"status": "ok"}
