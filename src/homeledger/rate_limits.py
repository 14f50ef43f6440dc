"""Rate limits on sign-in, token refresh and password change (Flask-Limiter).

Each app gets its own Limiter whose storage is ``RATELIMIT_STORAGE_URI``:
Redis when ``REDIS_URL`` is set, so every worker process counts against the
same limit; memory only for a single local process. Sign-in is limited both
per client address and per username, shared between the web form and the API.

A device that has signed in as the username before (device_trust.py) is neither
counted nor blocked by the per-username limit, so an attacker who exhausts it
does not lock the owner out; that device has its own small limit instead, and
the per-address limit applies to everyone.
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from limits import parse_many

from homeledger import device_trust

USERNAME_SCOPE = "login-username"


def _attempted_username() -> str:
    return "user:" + device_trust.attempted_username()


def _signed_in_user() -> str:
    from flask_jwt_extended import get_jwt_identity, verify_jwt_in_request
    from flask_login import current_user

    if current_user.is_authenticated:
        return f"uid:{current_user.id}"
    verify_jwt_in_request(optional=True)
    identity = get_jwt_identity()
    return f"uid:{identity}" if identity else f"ip:{get_remote_address()}"


def _audit_lockout(limit: RequestLimit) -> None:
    """A sign-in refused for too many attempts is a security event worth a line."""
    from homeledger.extensions import db
    from homeledger.services import audit

    audit.record(
        db.session,
        "auth.lockout",
        actor_name=_attempted_username()[len("user:") :],
        outcome="failure",
        ip_address=request.remote_addr,
        extra={"limit": str(limit.limit), "scope": limit.request_args[-1]},
    )
    db.session.commit()


def install(app: Flask) -> Limiter:
    """Create this app's limiter and put the limits on the endpoints that need them."""
    config = app.config
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=config["RATELIMIT_STORAGE_URI"],
        key_prefix=config["RATELIMIT_KEY_PREFIX"],
        headers_enabled=True,
        retry_after="delta-seconds",
        strategy="moving-window",
    )
    username_limits = parse_many(config["LOGIN_RATE_LIMIT"])

    def known_device_skips_username_limit() -> bool:
        """Exempt a trusted device, noting for the audit whether the username was locked."""
        if not device_trust.vouched():
            return False
        prefix = config["RATELIMIT_KEY_PREFIX"]
        key = [p for p in (prefix, _attempted_username(), USERNAME_SCOPE) if p]
        device_trust.note_username_locked(
            not all(limiter.limiter.test(item, *key) for item in username_limits)
        )
        return True

    login_limits = [
        limiter.shared_limit(
            config["LOGIN_RATE_LIMIT"],
            scope="login-address",
            methods=["POST"],
            on_breach=_audit_lockout,
        ),
        limiter.shared_limit(
            config["LOGIN_RATE_LIMIT"],
            scope=USERNAME_SCOPE,
            key_func=_attempted_username,
            methods=["POST"],
            on_breach=_audit_lockout,
            exempt_when=known_device_skips_username_limit,
        ),
        limiter.shared_limit(
            config["LOGIN_DEVICE_RATE_LIMIT"],
            scope="login-device",
            key_func=device_trust.device_key,
            methods=["POST"],
            on_breach=_audit_lockout,
            exempt_when=lambda: not device_trust.vouched(),
        ),
    ]
    password_limit = limiter.shared_limit(
        config["PASSWORD_CHANGE_RATE_LIMIT"],
        scope="password-change",
        key_func=_signed_in_user,
        methods=["POST"],
    )
    limits = {
        "auth.login": login_limits,
        "api_auth.login": login_limits,
        "api_auth.refresh": [limiter.limit(config["REFRESH_RATE_LIMIT"], methods=["POST"])],
        "auth.change_password": [password_limit],
        "api_me.change_password": [password_limit],
    }
    for endpoint, endpoint_limits in limits.items():
        view = app.view_functions[endpoint]
        for limit in endpoint_limits:
            view = limit(view)
        app.view_functions[endpoint] = view
    return limiter
