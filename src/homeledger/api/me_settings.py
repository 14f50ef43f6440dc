"""The signed-in user's settings: profile (display name, email) and ledger (currency, the day a
budgeting month starts, locale)."""

from __future__ import annotations

from flask import request
from flask_jwt_extended import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from homeledger.api.schemas import AsSentNumber, AsSentText
from homeledger.api.security import own_documented
from homeledger.extensions import db
from homeledger.services import profile
from homeledger.services.profile import CURRENCIES, LOCALES, ProfileChange

blp = Blueprint(
    "api_me_settings",
    __name__,
    url_prefix="/me/settings",
    description="The signed-in user's profile and ledger settings.",
)

_DISPLAY_NAME = 'At most 100 printable characters; `null` or `""` clears it.'
_EMAIL = (
    "A valid address no other account uses (compared without regard to case); "
    '`null` or `""` clears it.'
)
_CURRENCY = "An ISO 4217 code from the `enum` (case does not matter)."
_MONTH_START_DAY = (
    "1 to 28. Changing it changes what every budgeting month of the ledger means, past "
    "months too (budgets, reports, the `month` filter of transactions)."
)
_LOCALE = (
    "How the web pages write dates, and whether typed amounts use a decimal comma; the API "
    "always speaks ISO dates and plain decimals."
)


class SettingsSchema(Schema):
    username = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": ["admin", "user"]})
    display_name = fields.String(
        required=True, allow_none=True, metadata={"description": _DISPLAY_NAME}
    )
    email = fields.String(required=True, allow_none=True, metadata={"description": _EMAIL})
    currency = fields.String(
        required=True,
        metadata={"description": _CURRENCY, "example": "EUR", "enum": list(CURRENCIES)},
    )
    month_start_day = fields.Integer(
        required=True, metadata={"description": _MONTH_START_DAY, "minimum": 1, "maximum": 28}
    )
    locale = fields.String(
        required=True, metadata={"description": _LOCALE, "example": "en-GB", "enum": list(LOCALES)}
    )


class SettingsPatchSchema(Schema):
    """Any subset of the editable fields; any other field (`role`, `username`, …) is refused."""

    display_name = AsSentText(allow_none=True, metadata={"description": _DISPLAY_NAME})
    email = AsSentText(allow_none=True, metadata={"description": _EMAIL})
    currency = AsSentText(metadata={"description": _CURRENCY, "enum": list(CURRENCIES)})
    month_start_day = AsSentNumber(
        metadata={"description": _MONTH_START_DAY, "minimum": 1, "maximum": 28}
    )
    locale = AsSentText(metadata={"description": _LOCALE, "enum": list(LOCALES)})


@blp.get("")
@own_documented(blp)
@blp.response(200, SettingsSchema)
def get_settings():
    """Your profile and your ledger's settings."""
    return profile.read(db.session, current_user)


@blp.patch("")
@own_documented(blp)
@blp.arguments(SettingsPatchSchema)
@blp.response(200, SettingsSchema)
def patch_settings(body):
    """Change any of `display_name`, `email`, `currency`, `month_start_day`, `locale`; the
    answer is the settings as saved. A 422 names every bad field and nothing is changed;
    any other field (`role`, `username`, `is_active`, `user_id`…) is refused with a 422."""
    saved = profile.update(
        db.session, current_user, ProfileChange(**body), ip_address=request.remote_addr
    )
    db.session.commit()
    return saved
