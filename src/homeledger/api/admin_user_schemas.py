"""API bodies of the admin's users endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from homeledger.api.ledger_schemas import StrictBoolean
from homeledger.models.auth import INVITE_KINDS
from homeledger.models.users import ONBOARDING_STEPS, ROLES

_TEXT = validate.Predicate("isprintable", error="Contains characters that cannot be typed.")
_INVITE = fields.String(
    required=True,
    validate=validate.OneOf(INVITE_KINDS),
    metadata={
        "description": "`link`: a one-time URL where the person chooses a password; "
        "`password`: a temporary password they must change at first sign-in. "
        "Either expires after 7 days.",
        "enum": list(INVITE_KINDS),
    },
)


class AdminUserSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    email = fields.String(allow_none=True)
    display_name = fields.String(allow_none=True)
    role = fields.String(required=True, metadata={"enum": list(ROLES)})
    is_active = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    last_login_at = fields.DateTime(allow_none=True, metadata={"description": "null: never."})
    onboarding_step = fields.String(
        required=True,
        metadata={"enum": list(ONBOARDING_STEPS), "description": "`done` once set up."},
    )
    must_change_password = fields.Boolean(
        required=True,
        metadata={"description": "true while the account is on an invite not yet used."},
    )


class AdminUserListSchema(Schema):
    items = fields.List(
        fields.Nested(AdminUserSchema), required=True, metadata={"description": "By username."}
    )


class NewUserRequest(Schema):
    username = fields.String(
        required=True,
        validate=validate.Length(1, 64),
        metadata={"description": "3-64 letters, digits, '.', '_' or '-'; unique, any case."},
    )
    email = fields.String(allow_none=True, validate=[validate.Length(max=254), _TEXT])
    display_name = fields.String(allow_none=True, validate=[validate.Length(max=100), _TEXT])
    role = fields.String(
        load_default="user", validate=validate.OneOf(ROLES), metadata={"enum": list(ROLES)}
    )
    invite = _INVITE


class InviteRequest(Schema):
    invite = _INVITE


class InviteSchema(Schema):
    url = fields.String(
        metadata={"description": "For `link`: open it in a browser to choose a password."}
    )
    temporary_password = fields.String(
        metadata={"description": "For `password`: shown this once, never again."}
    )
    expires_at = fields.DateTime(required=True)


class InvitedUserSchema(Schema):
    user = fields.Nested(AdminUserSchema, required=True)
    invite = fields.Nested(InviteSchema, required=True)


class UserPatchRequest(Schema):
    is_active = StrictBoolean(
        metadata={
            "description": "false: signed out everywhere at once (web and every device) "
            "and kept out; true: may sign in again."
        }
    )
    role = fields.String(validate=validate.OneOf(ROLES), metadata={"enum": list(ROLES)})
