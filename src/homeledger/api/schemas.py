"""Request and response bodies of the API (marshmallow), which the OpenAPI document shows."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from homeledger.models.users import ONBOARDING_STEPS
from homeledger.services.passwords import MIN_PASSWORD_LENGTH


class ErrorDetail(Schema):
    code = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.String(required=True)
    fields = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "What is wrong with each offending field."},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetail, required=True)


class AsSent:
    """A field documented with its type whose value goes to the service as it was sent, so
    one answer names every bad field, whatever is wrong with each."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        return value  # null too: the service says what the field takes


class AsSentText(AsSent, fields.String):
    pass


class AsSentNumber(AsSent, fields.Integer):
    pass


_PRINTABLE = validate.Predicate("isprintable", error="Contains characters that cannot be typed.")


class LoginRequest(Schema):
    username = fields.String(required=True, validate=[validate.Length(1, 64), _PRINTABLE])
    password = fields.String(required=True, validate=validate.Length(1, 1024), load_only=True)
    device_name = fields.String(
        validate=[validate.Length(1, 100), _PRINTABLE],
        metadata={"description": "Shown in the list of signed-in devices.", "example": "Pixel 8"},
    )
    device_token = fields.String(
        validate=validate.Length(1, 2000),
        load_only=True,
        metadata={
            "description": "The `device_token` of this device's last sign-in, if it has one. "
            "When it names this user (and their password has not changed since), too many "
            "failed sign-ins by others for this username do not lock this device out; it "
            "has its own small limit instead. A missing, old or foreign token is ignored."
        },
    )


class RefreshRequest(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(1, 2000), load_only=True)


class LogoutRequest(Schema):
    refresh_token = fields.String(validate=validate.Length(1, 2000), load_only=True)


class PasswordChangeRequest(Schema):
    current_password = fields.String(required=True, validate=validate.Length(1, 1024))
    new_password = fields.String(
        required=True,
        validate=validate.Length(MIN_PASSWORD_LENGTH, 1024),
        metadata={
            "description": f"At least {MIN_PASSWORD_LENGTH} characters, not a common password, "
            "and not predictable: the strength estimator zxcvbn must score it 3 of 4 or more "
            "knowing the username, name and email (sequences, repeats, keyboard walks and the "
            "username are refused). A refusal is a 422 whose `fields.new_password` says why."
        },
    )


class UserSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    role = fields.String(required=True, metadata={"enum": ["admin", "user"]})
    must_change_password = fields.Boolean(required=True)
    onboarding_required = fields.Function(
        lambda user: user.onboarding_step != "done",
        required=True,
        metadata={
            "description": "true until the first-run wizard is finished (POST "
            "/api/v1/onboarding/complete); meanwhile other ledger endpoints answer 403 "
            "`onboarding_required`."
        },
    )
    onboarding_step = fields.String(
        required=True,
        metadata={
            "enum": list(ONBOARDING_STEPS),
            "description": "Where the wizard resumes: a step key for GET/PUT "
            "/api/v1/onboarding/<step>, `complete` (every step saved: POST "
            "/api/v1/onboarding/complete) or `done`.",
        },
    )


class TokenResponse(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds."})
    user = fields.Nested(UserSchema, required=True)


class SignInResponse(TokenResponse):
    device_token = fields.String(
        required=True,
        metadata={
            "description": "Opaque, signed, valid for a year. Keep it in secure storage (it "
            "outlives sign-outs) and send it as `device_token` with every later sign-in of "
            "this device, replacing it with each new one: it lets this device sign in while "
            "the username is locked by other people's failed attempts."
        },
    )


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})
