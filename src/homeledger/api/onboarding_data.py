"""The wizard's data step over the API: how the person gets their data in.

Once the wizard has reached this step the import (``/imports``) and old-file
(``/legacy-uploads``) endpoints are open too; the app brings the data in there, then
saves the step here with the choice that did it.
"""

from __future__ import annotations

from flask_jwt_extended import current_user
from marshmallow import Schema, fields

from homeledger.api.onboarding import (
    STEP_ANSWERS,
    StepRefused,
    StepSaved,
    blp,
    documented,
    refused_unless_reachable,
    step_saved,
)
from homeledger.demo import load_sample
from homeledger.extensions import db
from homeledger.services import onboarding_data
from homeledger.web.months import today

_CHOICE = {
    "enum": list(onboarding_data.CHOICES),
    "description": "`import`: a bank file was imported (POST /imports) and its rows are "
    "in the ledger; `legacy`: an old desktop file was uploaded and applied "
    "(/legacy-uploads); `sample`: load two years of a sample household, in the ledger's "
    "own currency and month start day (only into a ledger with no transactions); "
    "`empty`: go on with nothing.",
}


class DataStep(Schema):
    choice = fields.String(
        required=True,
        allow_none=True,
        metadata={
            **_CHOICE,
            "description": "The choice the ledger shows was made (what brought its "
            "latest rows in; `empty` once saved with nothing), null before the step is saved.",
        },
    )
    choices = fields.List(fields.String(), required=True, metadata={"example": ["import"]})
    transactions = fields.Integer(required=True, metadata={"description": "In the ledger now."})
    first_date = fields.Date(required=True, allow_none=True)
    last_date = fields.Date(required=True, allow_none=True)
    imports = fields.Integer(
        required=True, metadata={"description": "Bank files imported (and not undone)."}
    )
    legacy_uploads_applied = fields.Integer(
        required=True, metadata={"description": "Old desktop files brought in."}
    )


class DataChoice(Schema):
    choice = fields.String(required=True, metadata=_CHOICE)


_REFUSED = (
    "`validation_error` on `choice`: not one of the choices, `import` before an import "
    "brought rows in, `legacy` before an old file was applied, `sample` into a ledger "
    "that already has transactions. Nothing is written."
)


@blp.get("/data")
@documented
@blp.response(200, DataStep)
@blp.alt_response(409, schema=StepRefused, description=STEP_ANSWERS)
def get_data():
    """The data step: the choices, the one made, and what the ledger holds now."""
    if (refused := refused_unless_reachable("data")) is not None:
        return refused
    holds = onboarding_data.holds(db.session)
    return {
        "choice": onboarding_data.chosen(db.session, current_user),
        "choices": list(onboarding_data.CHOICES),
        "transactions": holds.transactions,
        "first_date": holds.first_date,
        "last_date": holds.last_date,
        "imports": holds.imports,
        "legacy_uploads_applied": holds.legacy_uploads_applied,
    }


@blp.put("/data")
@documented
@blp.arguments(DataChoice)
@blp.response(200, StepSaved)
@blp.alt_response(409, schema=StepRefused, description=STEP_ANSWERS)
@blp.alt_response(422, schema="Error", description=_REFUSED)
def put_data(body):
    """Save the data step with how the data came in (or load the sample); answers the
    next step, skipping those the ledger now has (budgets from an old file or the sample)."""
    if (refused := refused_unless_reachable("data")) is not None:
        return refused
    onboarding_data.save(db.session, body["choice"], today=today(), load_sample=load_sample)
    return step_saved("data")
