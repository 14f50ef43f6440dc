"""Signing a device in and out: login, refresh (rotating), logout."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, request
from flask_jwt_extended import current_user, get_jwt
from flask_smorest import Blueprint

from homeledger import device_trust
from homeledger.api.errors import error_body
from homeledger.api.schemas import (
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    SignInResponse,
    TokenResponse,
)
from homeledger.api.security import (
    BEARER,
    UNAUTHORIZED,
    current_token_expiry,
    token_required,
    token_response,
)
from homeledger.extensions import db
from homeledger.services import accounts, api_tokens

blp = Blueprint(
    "api_auth",
    __name__,
    url_prefix="/auth",
    description="Sign a device in with a password, keep it signed in, sign it out.",
)


@blp.post("/login")
@blp.arguments(LoginRequest)
@blp.response(200, SignInResponse)
@blp.alt_response(
    401,
    schema="Error",
    description="Wrong username or password (`auth_required`), or the right temporary "
    "password past its expiry (`temporary_password_expired`: ask the admin for a new invite).",
)
@blp.alt_response(
    429,
    schema="Error",
    description="Too many attempts from this address or for this username (a `device_token` "
    "of this user exempts from the username's limit), or from this device.",
)
def login(body):
    """Exchange username and password for an access token (~15 min), a refresh token
    (~30 days, one per device) and a device token (a year: send it with later sign-ins)."""
    try:
        user = accounts.authenticate(
            db.session,
            body["username"],
            body["password"],
            ip_address=request.remote_addr,
            audit_details=device_trust.audit_details(),
        )
    except accounts.SignInRefused as refused:
        db.session.commit()  # the refused attempt stays in the audit log
        return error_body(401, str(refused), code=refused.code)
    if user is None:
        db.session.commit()  # the failed attempt stays in the audit log
        return error_body(401, "Wrong username or password.", code="auth_required")
    issued = api_tokens.issue(
        db.session,
        user,
        device_name=body.get("device_name"),
        lifetime=current_app.config["REFRESH_TOKEN_LIFETIME"],
    )
    db.session.commit()
    return token_response(issued, device_token=True)


@blp.post("/refresh")
@blp.arguments(RefreshRequest)
@blp.response(200, TokenResponse)
@blp.alt_response(
    401,
    schema="Error",
    description="`token_invalid`, `token_expired`, `token_revoked` (also when a used token "
    "is replayed after the grace window: the device is signed out) or `account_inactive`.",
)
@blp.alt_response(429, schema="Error", description="Too many refreshes from this address.")
def refresh(body):
    """Swap a refresh token for a new pair; the old refresh token stops working.

    The same token sent again within `REFRESH_REUSE_GRACE_SECONDS` (10 s) of its
    rotation, as an app resuming with two requests in flight does, also gets a new
    working pair for this device. After that, it counts as stolen: every token of
    the device is revoked (`token_revoked`)."""
    try:
        issued = api_tokens.rotate(
            db.session,
            body["refresh_token"],
            lifetime=current_app.config["REFRESH_TOKEN_LIFETIME"],
            grace=timedelta(seconds=current_app.config["REFRESH_REUSE_GRACE_SECONDS"]),
            ip_address=request.remote_addr,
        )
    except api_tokens.TokenRejected as rejected:
        db.session.commit()  # a detected replay has revoked the family: keep that
        return error_body(401, str(rejected), code=rejected.code)
    db.session.commit()
    return token_response(issued)


@blp.post("/logout")
@token_required
@blp.arguments(LogoutRequest, required=False)
@blp.response(204)
@blp.alt_response(401, schema="Error", description=UNAUTHORIZED)
@blp.doc(security=BEARER)
def logout(body):
    """Sign this device out: its access token and its refresh tokens stop working at once."""
    claims = get_jwt()
    api_tokens.sign_out(
        db.session,
        current_user.id,
        jti=claims["jti"],
        family_id=claims.get("fam"),
        expires_at=current_token_expiry(),
        ip_address=request.remote_addr,
    )
    db.session.commit()
