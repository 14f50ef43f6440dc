"""Recurring bills (commitments) over the API: the bills, what falls due next, what was paid."""

from __future__ import annotations

from datetime import date

from flask_smorest import Blueprint

from homeledger.api.commitment_schemas import (
    CommitmentListSchema,
    CommitmentPatchSchema,
    CommitmentSchema,
    HistoryQuery,
    HistorySchema,
    UpcomingQuery,
    UpcomingSchema,
)
from homeledger.api.security import documented
from homeledger.extensions import db
from homeledger.services import bill_matching, commitments
from homeledger.services.commitments import CommitmentInput, Costed

blp = Blueprint(
    "api_commitments",
    __name__,
    description="Recurring bills: weekly, fortnightly, monthly, quarterly or yearly; when "
    "they fall due, what they cost a month, and which transactions paid them.",
)

_SHOWN = (
    "id",
    "name",
    "amount",
    "frequency",
    "due_day",
    "category_id",
    "owner_id",
    "start_date",
    "end_date",
    "is_active",
    "notes",
    "created_at",
    "created_by_id",
    "updated_by_id",
)


def _shown(costed: Costed) -> dict:
    bill = {name: getattr(costed.bill, name) for name in _SHOWN}
    return bill | {
        "monthly_equivalent": costed.monthly_equivalent,
        "in_monthly_total": costed.counts,
        "next_due": costed.next_due,
    }


@blp.get("/commitments")
@documented(blp)
@blp.response(200, CommitmentListSchema)
def list_commitments():
    """Every bill, paused ones too, by name, each with its monthly equivalent; and the
    monthly total of the active bills that have not ended."""
    found = commitments.listing(db.session, date.today())
    return {"items": [_shown(c) for c in found.bills], "monthly_total": found.monthly_total}


@blp.post("/commitments")
@documented(blp)
@blp.arguments(CommitmentSchema)
@blp.response(201, CommitmentSchema)
def create_commitment(body):
    """Record a recurring bill. Its amount is positive: what one payment costs."""
    bill = commitments.create(db.session, CommitmentInput(**body))
    db.session.commit()
    return _shown(commitments.costed(bill, date.today()))


@blp.get("/commitments/upcoming")
@documented(blp)
@blp.arguments(UpcomingQuery, location="query")
@blp.response(200, UpcomingSchema)
def upcoming(args):
    """Each time an active bill falls due in the next `days` days (today counts as the
    first), by date, and the total due."""
    return commitments.upcoming(db.session, args.get("from_day") or date.today(), args["days"])


@blp.get("/commitments/history")
@documented(blp)
@blp.arguments(HistoryQuery, location="query")
@blp.response(200, HistorySchema)
def history(args):
    """Every time an active bill fell due in the last `months` months, up to today, with
    the transaction that paid it, or `missed`. A payment counts from 3 days before to 5
    days after the due date (a weekly bill: 3 either side), its description naming the
    bill (its name or notes) and its amount within 10 % or 1.00 of the bill's (50 % when
    every word of the name is found). Each transaction pays one bill at most."""
    return _history(args["months"])


@blp.get("/commitments/<int:commitment_id>")
@documented(blp)
@blp.response(200, CommitmentSchema)
def get_commitment(commitment_id):
    """One bill."""
    return _shown(commitments.costed(commitments.get(db.session, commitment_id), date.today()))


@blp.patch("/commitments/<int:commitment_id>")
@documented(blp)
@blp.arguments(CommitmentPatchSchema(partial=True))
@blp.response(200, CommitmentSchema)
def edit_commitment(body, commitment_id):
    """Change some fields of a bill; `"is_active": false` pauses it, `true` resumes it."""
    bill = commitments.edit(db.session, commitment_id, CommitmentInput(**body))
    db.session.commit()
    return _shown(commitments.costed(bill, date.today()))


@blp.delete("/commitments/<int:commitment_id>")
@documented(blp)
@blp.response(204)
def delete_commitment(commitment_id):
    """Delete a bill; its transactions stay."""
    commitments.remove(db.session, commitment_id)
    db.session.commit()


@blp.get("/commitments/<int:commitment_id>/history")
@documented(blp)
@blp.arguments(HistoryQuery, location="query")
@blp.response(200, HistorySchema)
def commitment_history(args, commitment_id):
    """The history above for one bill. All bills are matched together, so a payment
    another bill fits better is not counted here as well."""
    commitments.get(db.session, commitment_id)
    return _history(args["months"], commitment_id)


def _history(months: int, commitment_id: int | None = None) -> dict:
    today = date.today()
    start = bill_matching.months_before(today, months)
    found = bill_matching.history(db.session, start, today, today, commitment_id)
    return {"start": start, "end": today, "occurrences": found}
