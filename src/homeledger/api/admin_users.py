"""The admin's users over the API: the list, a new account with its one-time invite,
activate/deactivate and the role (behind the guards), and a new invite (the reset)."""

from __future__ import annotations

from flask import request, url_for
from flask_jwt_extended import current_user
from flask_smorest import Blueprint

from homeledger.api.admin_user_schemas import (
    AdminUserListSchema,
    AdminUserSchema,
    InvitedUserSchema,
    InviteRequest,
    NewUserRequest,
    UserPatchRequest,
)
from homeledger.api.errors import error_body
from homeledger.api.security import admin_documented
from homeledger.extensions import db
from homeledger.services import admin_users

blp = Blueprint(
    "api_admin_users",
    __name__,
    url_prefix="/admin",
    description="Admins only: the accounts, one-time invites (a link or a temporary "
    "password, 7 days, single use), activating and deactivating, roles.",
)

_REFUSED = (
    "A guard refused; nothing changed (the refusal is audited). `code`: `self` (never "
    "yourself), `last_admin` (never the last active admin), `admin_required` (you were "
    "demoted or deactivated meanwhile)."
)


def _invite(issued: admin_users.IssuedInvite) -> dict:
    answer = {"expires_at": issued.expires_at}
    if issued.token is not None:
        answer["url"] = url_for("invites.accept", token=issued.token, _external=True)
    else:
        answer["temporary_password"] = issued.password
    return answer


@blp.get("/users")
@admin_documented(blp)
@blp.response(200, AdminUserListSchema)
def list_users():
    """Every account, by username."""
    return {"items": [row.user for row in admin_users.list_users(db.session)]}


@blp.post("/users")
@admin_documented(blp)
@blp.arguments(NewUserRequest)
@blp.response(201, InvitedUserSchema)
def create_user(body):
    """Create an account with a one-time invite, shown in this answer only."""
    user, issued = admin_users.create(
        db.session,
        current_user,
        username=body["username"],
        email=body.get("email"),
        display_name=body.get("display_name"),
        role=body["role"],
        invite=body["invite"],
        ip_address=request.remote_addr,
    )
    db.session.commit()
    return {"user": user, "invite": _invite(issued)}


@blp.patch("/users/<int:user_id>")
@admin_documented(blp)
@blp.arguments(UserPatchRequest)
@blp.response(200, AdminUserSchema)
@blp.alt_response(409, schema="Error", description=_REFUSED)
def update_user(body, user_id: int):
    """Activate or deactivate (signed out everywhere at once), or change the role."""
    try:
        user = admin_users.update(
            db.session, current_user, user_id, ip_address=request.remote_addr, **body
        )
    except admin_users.Refused as refused:
        db.session.commit()  # only the audit entry of the refusal
        return error_body(409, str(refused), code=refused.code)
    db.session.commit()
    return user


@blp.post("/users/<int:user_id>/invite")
@admin_documented(blp)
@blp.arguments(InviteRequest)
@blp.response(200, InvitedUserSchema)
@blp.alt_response(409, schema="Error", description="`self`: reset your own password as usual.")
def reissue(body, user_id: int):
    """A new invite (the password reset): the old password and earlier invites stop
    working, and the account is signed out everywhere."""
    try:
        issued = admin_users.reissue(
            db.session, current_user, user_id, body["invite"], ip_address=request.remote_addr
        )
    except admin_users.Refused as refused:
        db.session.commit()
        return error_body(409, str(refused), code=refused.code)
    db.session.commit()
    return {"user": admin_users.get(db.session, user_id).user, "invite": _invite(issued)}
