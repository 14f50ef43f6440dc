"""Trusted devices in a request: the username a sign-in names, the device token it presents
(the device cookie on the web, ``device_token`` in the API's body), whether that token
vouches for the username, and handing out a new token after a sign-in.

The rules are in ``services/trusted_devices.py``; rate_limits.py uses the verdict to
let the owner's own device past a per-username lockout, and the sign-in views use it
for the audit entry. The verdict is worked out once per request.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request
from flask.wrappers import Response

from homeledger.extensions import db
from homeledger.models import User
from homeledger.services import trusted_devices


def _from_api() -> bool:
    return request.path.startswith("/api/")


def _json_field(name: str) -> Any:
    body = request.get_json(silent=True) if request.is_json else None
    return body.get(name) if isinstance(body, dict) else None


def attempted_username() -> str:
    """The username a sign-in attempt names (form or JSON body), as usernames compare."""
    name = request.form.get("username")
    if name is None:
        name = _json_field("username")
    return name.strip().lower()[:64] if isinstance(name, str) else ""


def presented() -> trusted_devices.Device | None:
    """The device this request's token names, if the token is ours and not too old."""
    if "trusted_device" not in g:
        token = (
            _json_field("device_token")
            if _from_api()
            else request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
        )
        g.trusted_device = trusted_devices.read(
            current_app.config["SECRET_KEY"],
            token,
            max_age=current_app.config["DEVICE_TOKEN_LIFETIME"],
        )
    return g.trusted_device


def vouched() -> bool:
    """True if this sign-in comes from a device its user has signed in on before."""
    if "trusted_device_vouched" not in g:
        name = attempted_username()
        device = presented()
        g.trusted_device_vouched = bool(name) and trusted_devices.vouches_for(
            db.session, device, name
        )
    return g.trusted_device_vouched


def device_key() -> str:
    """The per-device rate-limit key (only used when the device vouches)."""
    device = presented()
    return f"device:{device.device_id}" if device else "device:none"


def note_username_locked(locked: bool) -> None:
    """The rate limiter's finding: the username limit was exhausted when this device came."""
    g.trusted_device_username_locked = locked


def audit_details() -> dict[str, bool] | None:
    """What the audit entry of this sign-in records about the device, if it vouched."""
    if not vouched():
        return None
    return {
        "trusted_device": True,
        "username_locked": g.get("trusted_device_username_locked", False),
    }


def token_for(user: User) -> str:
    """A device token for ``user`` on this device, keeping the device's id and other users."""
    return trusted_devices.mint(current_app.config["SECRET_KEY"], user, previous=presented())


def remember(response: Response, user: User) -> Response:
    """Give this browser a device cookie for ``user`` (after a sign-in or a password change)."""
    config = current_app.config
    response.set_cookie(
        config["DEVICE_COOKIE_NAME"],
        token_for(user),
        max_age=int(config["DEVICE_TOKEN_LIFETIME"].total_seconds()),
        path="/",
        secure=bool(config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
    return response
