"""The signed-in user: who am I, and changing my password."""

from __future__ import annotations

from flask import current_app, request
from flask_jwt_extended import current_user
from flask_smorest import Blueprint

from homeledger.api.errors import error_body
from homeledger.api.schemas import PasswordChangeRequest, SignInResponse, UserSchema
from homeledger.api.security import BEARER, UNAUTHORIZED, token_required, token_response
from homeledger.extensions import db
from homeledger.services import accounts, api_tokens
from homeledger.services.errors import ValidationError

blp = Blueprint("api_me", __name__, url_prefix="/me", description="The signed-in user.")


@blp.get("")
@token_required
@blp.response(200, UserSchema)
@blp.alt_response(401, schema="Error", description=UNAUTHORIZED)
@blp.doc(security=BEARER)
def me():
    """The user the access token belongs to."""
    return current_user


@blp.post("/password")
@token_required
@blp.arguments(PasswordChangeRequest)
@blp.response(200, SignInResponse)
@blp.alt_response(422, schema="Error", description="Current password wrong or new one too weak.")
@blp.alt_response(401, schema="Error", description=UNAUTHORIZED)
@blp.alt_response(429, schema="Error", description="Too many attempts.")
@blp.doc(security=BEARER)
def change_password(body):
    """Change the password. Every other device and browser is signed out; this device
    gets a fresh token pair in the answer (its old access token no longer works) and a
    new `device_token` (the old one named the old password)."""
    try:
        accounts.change_own_password(
            db.session,
            current_user,
            body["current_password"],
            body["new_password"],
            ip_address=request.remote_addr,
        )
    except ValidationError as exc:
        db.session.commit()  # the failed attempt stays in the audit log
        # The service names the new password "password"; the request calls it new_password.
        fields = {"new_password" if k == "password" else k: v for k, v in exc.fields.items()}
        return error_body(422, "The password was not changed.", fields=fields)
    # Every family ended with the old password; this device starts a new one.
    issued = api_tokens.issue(
        db.session,
        current_user,
        device_name=None,
        lifetime=current_app.config["REFRESH_TOKEN_LIFETIME"],
    )
    db.session.commit()
    return token_response(issued, device_token=True)  # the old one named the old password
