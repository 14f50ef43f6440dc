"""Known devices: a signed token naming who has signed in on a browser or an app.

OWASP's answer to lockout as a weapon ("device cookies"): an attacker can lock a
username by failing to sign in as it, but the owner's own device, which signed
in successfully before, still gets through. The token is signed with the app's
secret key, names the device by a random id (for the device's own rate limit),
and lists the users who signed in on it, each with their password epoch, so it
cannot be forged, moved to another account, or outlive a password change.
Nothing is stored server-side.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from homeledger.models import User
from homeledger.services.accounts import find_user

SALT = "homeledger.trusted-device"
# A shared household computer remembers this many people; the oldest is dropped.
MAX_USERS_PER_DEVICE = 8
MAX_TOKEN_LENGTH = 2000


@dataclass(frozen=True)
class Device:
    """What a valid token says: the device's id and (user id, password epoch) pairs."""

    device_id: str
    users: tuple[tuple[int, int], ...]


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def read(secret_key: str, token: object, *, max_age: timedelta) -> Device | None:
    """The device a token names if we signed it less than ``max_age`` ago, else None."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH:
        return None
    try:
        data = _serializer(secret_key).loads(token, max_age=int(max_age.total_seconds()))
    except (BadData, UnicodeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    device_id, users = data.get("d"), data.get("u")
    if not isinstance(device_id, str) or not isinstance(users, list):
        return None
    pairs = tuple(
        (pair[0], pair[1])
        for pair in users
        if isinstance(pair, list) and len(pair) == 2 and all(type(number) is int for number in pair)
    )
    return Device(device_id, pairs)


def mint(secret_key: str, user: User, *, previous: Device | None = None) -> str:
    """A token for the device ``user`` has just signed in on (or changed their password on).

    A device that already had a valid token keeps its id and the other people
    who signed in on it; this user's entry is replaced with their current epoch.
    """
    device_id = previous.device_id if previous else secrets.token_urlsafe(16)
    others = [list(p) for p in previous.users if p[0] != user.id] if previous else []
    users = [[user.id, user.session_epoch], *others][:MAX_USERS_PER_DEVICE]
    return _serializer(secret_key).dumps({"d": device_id, "u": users})


def vouches_for(session: Session, device: Device | None, username: str) -> bool:
    """True if the active user named ``username`` has signed in on this device since their
    password last changed."""
    if device is None:
        return False
    user = find_user(session, username)
    if user is None or not user.is_active:
        return False
    return (user.id, user.session_epoch) in device.users
