"""The first-run wizard as endpoints, so the mobile app can run it natively.

``GET /onboarding`` says where the wizard stands; each step has ``GET`` (its current
values and choices) and ``PUT`` (save it; the answer names the next step) under
``/onboarding/<step>`` (the step modules below); ``POST /onboarding/complete`` finishes.
These endpoints stay open before the wizard is finished; every other ledger endpoint
answers 403 ``onboarding_required`` until then.
"""

from __future__ import annotations

from flask import request
from flask_jwt_extended import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from homeledger.api.errors import error_body
from homeledger.api.ledger_schemas import Id
from homeledger.api.schemas import ErrorDetail, UserSchema
from homeledger.api.security import wizard_documented
from homeledger.api.sharing_schemas import LedgerSchema
from homeledger.extensions import db
from homeledger.models.users import ONBOARDING_STEPS
from homeledger.services import onboarding, sharing

blp = Blueprint(
    "api_onboarding",
    __name__,
    url_prefix="/onboarding",
    description="The first-run wizard: profile, owners, categories, data, budget, complete.",
)
documented = wizard_documented(blp)


class StepState(Schema):
    key = fields.String(required=True, metadata={"enum": list(onboarding.STEPS)})
    title = fields.String(required=True)
    reachable = fields.Boolean(
        required=True,
        metadata={"description": "May be opened now (reached already; back is allowed)."},
    )


class OnboardingStatus(Schema):
    onboarding_required = fields.Boolean(required=True)
    onboarding_step = fields.String(
        required=True,
        metadata={
            "enum": list(ONBOARDING_STEPS),
            "description": "Where the wizard resumes; `complete`: POST /onboarding/complete.",
        },
    )
    steps = fields.List(fields.Nested(StepState), required=True)
    shared_ledgers = fields.List(
        fields.Nested(LedgerSchema),
        required=True,
        metadata={
            "description": "Ledgers others shared with the caller: POST /onboarding/join "
            "opens one instead of setting up a ledger of their own."
        },
    )


class JoinRequest(Schema):
    ledger_id = Id(
        required=True, strict=True, metadata={"description": "An id of `shared_ledgers`."}
    )


class Joined(Schema):
    user = fields.Nested(UserSchema, required=True)
    ledger = fields.Nested(LedgerSchema, required=True)


class StepSaved(Schema):
    """What every ``PUT /onboarding/<step>`` answers."""

    saved = fields.String(required=True, metadata={"enum": list(onboarding.STEPS)})
    next_step = fields.String(
        required=True,
        metadata={
            "enum": [*onboarding.STEPS, onboarding.COMPLETE],
            "description": "The step to show next; `complete` after the last one: show a "
            "summary and POST /onboarding/complete.",
        },
    )
    onboarding_step = fields.String(
        required=True,
        metadata={"enum": list(ONBOARDING_STEPS), "description": "The resume point now."},
    )


class StepRefusedDetail(ErrorDetail):
    onboarding_step = fields.String(
        metadata={
            "enum": list(ONBOARDING_STEPS),
            "description": "With `step_not_reached`: the step the wizard is at.",
        }
    )


class StepRefused(Schema):
    """A wizard step refused (409): `step_not_reached` names where the wizard is."""

    error = fields.Nested(StepRefusedDetail, required=True)


class Completed(Schema):
    user = fields.Nested(UserSchema, required=True)
    landing_month = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "YYYY-MM: the budgeting month of the latest transaction (the "
            "month to open the overview at); null for an empty ledger.",
            "example": "2026-10",
        },
    )


def status() -> dict:
    return {
        "onboarding_required": onboarding.required(current_user),
        "onboarding_step": onboarding.resume_point(current_user),
        "steps": [
            {
                "key": step,
                "title": onboarding.TITLES[step],
                "reachable": onboarding.reachable(current_user, step),
            }
            for step in onboarding.STEPS
        ],
        "shared_ledgers": sharing.shared_with(db.session, current_user),
    }


def refused_unless_reachable(step: str):
    """None when the caller may open ``step`` now; else the 409 to answer."""
    if onboarding.reachable(current_user, step):
        return None
    if not onboarding.required(current_user):
        return error_body(409, "The wizard is already finished.", code="onboarding_finished")
    resume = onboarding.resume_point(current_user)
    return error_body(
        409,
        f"This step is not reached yet; the wizard is at {resume!r}.",
        code="step_not_reached",
        extra={"onboarding_step": resume},
    )


def step_saved(step: str) -> dict:
    """Move the wizard on after ``step`` was saved, commit, and answer where to go next."""
    following = onboarding.saved(db.session, current_user, step)
    db.session.commit()
    return {
        "saved": step,
        "next_step": following,
        "onboarding_step": onboarding.resume_point(current_user),
    }


STEP_ANSWERS = (
    "409 `step_not_reached` (the wizard is not that far yet; `onboarding_step` says where "
    "it is) or `onboarding_finished`."
)


@blp.get("")
@documented
@blp.response(200, OnboardingStatus)
def where():
    """Where the wizard stands: the resume point and which steps may be opened."""
    return status()


@blp.post("/complete")
@documented
@blp.response(200, Completed)
@blp.alt_response(
    409,
    schema=StepRefused,
    description="`step_not_reached`: a step is still to do (`onboarding_step` names it).",
)
def complete():
    """Finish the wizard: every ledger endpoint opens. Saving the last step does not do
    this by itself. Finishing twice is harmless."""
    try:
        onboarding.complete(db.session, current_user, ip_address=request.remote_addr)
    except onboarding.NotYet as exc:
        return error_body(
            409,
            f"Save the {exc.step!r} step first.",
            code="step_not_reached",
            extra={"onboarding_step": exc.step},
        )
    landing = onboarding.landing_month(db.session)
    db.session.commit()
    month = f"{landing.year:04d}-{landing.month:02d}" if landing else None
    return {"user": current_user, "landing_month": month}


@blp.post("/join")
@documented
@blp.arguments(JoinRequest)
@blp.response(200, Joined)
def join(body: dict):
    """Finish the wizard by opening a ledger someone shared with the caller instead of
    setting up their own (they can later, in their settings). Send its id as
    `X-Ledger-Id` from then on. A ledger not shared with the caller is 404."""
    ledger_id = body["ledger_id"]
    onboarding.join_shared(db.session, current_user, ledger_id, ip_address=request.remote_addr)
    db.session.commit()
    ledger = sharing.ledger(db.session, current_user, ledger_id)
    return {"user": current_user, "ledger": ledger}


# Each step's GET and PUT live in a module of its own, on this blueprint.
from homeledger.api import onboarding_budget, onboarding_data, onboarding_household  # noqa: E402,F401
