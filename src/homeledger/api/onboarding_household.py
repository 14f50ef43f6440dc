"""The wizard's first three steps over the API: ``/onboarding/profile``, ``/onboarding/owners``
and ``/onboarding/categories``. Each ``GET`` answers the step's current values and choices;
each ``PUT`` saves the whole step (the owners' and categories' lists are declarative: what is
sent is what the ledger holds afterwards) and answers the next step."""

from __future__ import annotations

import functools

from flask import request
from flask_jwt_extended import current_user
from marshmallow import Schema, ValidationError, fields, validates_schema

from homeledger.api.ledger_schemas import Id
from homeledger.api.me_settings import (
    _CURRENCY,
    _DISPLAY_NAME,
    _MONTH_START_DAY,
)
from homeledger.api.onboarding import (
    STEP_ANSWERS,
    StepRefused,
    StepSaved,
    blp,
    documented,
    refused_unless_reachable,
    step_saved,
)
from homeledger.api.schemas import AsSentNumber, AsSentText
from homeledger.extensions import db
from homeledger.models.categories import CATEGORY_TYPES
from homeledger.services import onboarding_household as household
from homeledger.services import profile
from homeledger.services.profile import CURRENCIES


def at_step(step: str):
    """A step's GET or PUT: answered only when the caller may open ``step`` now (a 409
    otherwise, before the body is looked at); the 409 documented."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            return refused_unless_reachable(step) or view(*args, **kwargs)

        return blp.alt_response(409, schema=StepRefused, description=STEP_ANSWERS)(guarded)

    return decorate


# --- profile ------------------------------------------------------------------------------------


class CurrencyChoice(Schema):
    code = fields.String(required=True, metadata={"example": "EUR"})
    name = fields.String(required=True, metadata={"example": "Euro"})


class ProfileStep(Schema):
    display_name = fields.String(
        required=True, allow_none=True, metadata={"description": _DISPLAY_NAME}
    )
    currency = fields.String(required=True, metadata={"example": "EUR"})
    month_start_day = fields.Integer(
        required=True, metadata={"description": _MONTH_START_DAY, "minimum": 1, "maximum": 28}
    )
    currencies = fields.List(
        fields.Nested(CurrencyChoice), required=True, metadata={"description": "The choices."}
    )
    month_start_days = fields.List(
        fields.Integer(), required=True, metadata={"description": "The choices: 1 to 28."}
    )


class ProfilePut(Schema):
    """The whole step: all three fields."""

    display_name = AsSentText(
        required=True, allow_none=True, metadata={"description": _DISPLAY_NAME}
    )
    currency = AsSentText(
        required=True, metadata={"description": _CURRENCY, "enum": list(CURRENCIES)}
    )
    month_start_day = AsSentNumber(
        required=True, metadata={"description": _MONTH_START_DAY, "minimum": 1, "maximum": 28}
    )

    @validates_schema
    def _every_field(self, data, **kwargs) -> None:
        # The fields pass their values on as sent, so their own required check is skipped.
        missing = {name: ["Missing data for required field."] for name in self.fields}
        for name in data:
            missing.pop(name, None)
        if missing:
            raise ValidationError(missing)


def _profile_step() -> dict:
    shown = profile.read(db.session, current_user)
    return {
        "display_name": shown.display_name,
        "currency": shown.currency,
        "month_start_day": shown.month_start_day,
        "currencies": household.currency_choices(),
        "month_start_days": household.month_start_days(),
    }


@blp.get("/profile")
@documented
@at_step("profile")
@blp.response(200, ProfileStep)
def get_profile():
    """The profile step: display name, currency and the day a budgeting month starts, with
    the choices."""
    return _profile_step()


@blp.put("/profile")
@documented
@at_step("profile")
@blp.arguments(ProfilePut)
@blp.response(200, StepSaved)
def put_profile(body):
    """Save the profile step (the fields of `PATCH /me/settings`); answers the next step."""
    household.save_profile(db.session, current_user, **body, ip_address=request.remote_addr)
    return step_saved("profile")


# --- owners -------------------------------------------------------------------------------------

_OWNER_ID = "An owner of the ledger, kept (renamed when the name differs); leave it out to add one."
_NAME = "1 to 64 printable characters; no two alike (case does not matter)."


class OwnerShown(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class OwnersStep(Schema):
    owners = fields.List(
        fields.Nested(OwnerShown),
        required=True,
        metadata={"description": "The household's owners; a new ledger has none."},
    )
    suggestions = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "Names to offer when the list is empty.",
            "example": list(household.OWNER_SUGGESTIONS),
        },
    )


class OwnerIn(Schema):
    id = Id(allow_none=True, metadata={"description": _OWNER_ID})
    name = AsSentText(metadata={"description": _NAME})


class OwnersPut(Schema):
    owners = fields.List(
        fields.Nested(OwnerIn),
        required=True,
        metadata={
            "description": "Every owner the household is to have, at least one. An owner "
            "not listed is removed: deleted, or made inactive when transactions, budgets "
            "or rules use it."
        },
    )


@blp.get("/owners")
@documented
@at_step("owners")
@blp.response(200, OwnersStep)
def get_owners():
    """The owners step: the household's owners, and the names to suggest."""
    return {
        "owners": household.list_owners(db.session),
        "suggestions": list(household.OWNER_SUGGESTIONS),
    }


@blp.put("/owners")
@documented
@at_step("owners")
@blp.arguments(OwnersPut)
@blp.response(200, StepSaved)
def put_owners(body):
    """Save the owners step: the list is what the household has afterwards; answers the
    next step."""
    rows = [household.OwnerRow(id=row.get("id"), name=row.get("name")) for row in body["owners"]]
    household.save_owners(db.session, rows)
    return step_saved("owners")


# --- categories ---------------------------------------------------------------------------------

_CATEGORY_ID = "A category of the ledger, kept (renamed, retyped); leave it out to add one."
_TYPE = "One of `types`; a new category without one is an expense, a listed one keeps its own."


class CategoryShown(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True, metadata={"enum": list(CATEGORY_TYPES)})
    color = fields.String(required=True, metadata={"example": "#1e88e5"})


class CategoriesStep(Schema):
    categories = fields.List(
        fields.Nested(CategoryShown),
        required=True,
        metadata={"description": "The ledger's categories: a new one has the 13 universal ones."},
    )
    types = fields.List(fields.String(), required=True, metadata={"example": list(CATEGORY_TYPES)})


class CategoryIn(Schema):
    id = Id(allow_none=True, metadata={"description": _CATEGORY_ID})
    name = AsSentText(metadata={"description": _NAME})
    type = AsSentText(
        allow_none=True, metadata={"description": _TYPE, "enum": list(CATEGORY_TYPES)}
    )
    color = AsSentText(
        allow_none=True,
        metadata={"description": "Like #1e88e5; left out, a listed one keeps its colour."},
    )


class CategoriesPut(Schema):
    categories = fields.List(
        fields.Nested(CategoryIn),
        required=True,
        metadata={
            "description": "Every category the ledger is to have, at least one expense. A "
            "category not listed is dropped: deleted, or made inactive when transactions, "
            "budgets, bills or rules use it."
        },
    )


@blp.get("/categories")
@documented
@at_step("categories")
@blp.response(200, CategoriesStep)
def get_categories():
    """The categories step: the ledger's categories (the universal ones to begin with) and
    the types a category may have."""
    return {"categories": household.list_categories(db.session), "types": list(CATEGORY_TYPES)}


@blp.put("/categories")
@documented
@at_step("categories")
@blp.arguments(CategoriesPut)
@blp.response(200, StepSaved)
def put_categories(body):
    """Save the categories step: the list is what the ledger has afterwards; answers the
    next step."""
    rows = [
        household.CategoryRow(
            id=row.get("id"), name=row.get("name"), type=row.get("type"), color=row.get("color")
        )
        for row in body["categories"]
    ]
    household.save_categories(db.session, rows)
    return step_saved("categories")
