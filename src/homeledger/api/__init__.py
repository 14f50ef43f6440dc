"""JSON API v1 under /api/v1 for the mobile app."""

from flask import Blueprint

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")

from homeledger.api import errors, health  # noqa: E402,F401  (register routes/handlers)
