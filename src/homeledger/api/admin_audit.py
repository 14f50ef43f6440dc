"""The audit log over the API, for admins: filtered, keyset-paged newest first."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from homeledger.api.ledger_schemas import Id
from homeledger.api.security import admin_documented
from homeledger.extensions import db
from homeledger.services import audit_log
from homeledger.services.audit_log import AuditFilter
from homeledger.services.errors import ValidationError

blp = Blueprint(
    "api_admin_audit", __name__, url_prefix="/admin", description="The audit log (admins only)."
)

# The service's field names -> this endpoint's parameters.
_PARAMETERS = {"ledger_user_id": "ledger_id", "date_from": "from", "date_to": "to"}


class AuditQuery(Schema):
    actor_id = Id(metadata={"description": "Who acted."})
    ledger_id = Id(metadata={"description": "Whose ledger the entry concerns."})
    action = fields.String(
        validate=[
            validate.Length(1, audit_log.MAX_ACTION),
            validate.Predicate("isprintable", error="Contains characters that cannot be typed."),
        ],
        metadata={
            "example": "auth.",
            "description": "A whole action (`auth.login`), or a prefix ending in `.` or `*` "
            "(`auth.` is every sign-in event).",
        },
    )
    outcome = fields.String(validate=validate.OneOf(audit_log.OUTCOMES))
    date_from = fields.Date(
        data_key="from", metadata={"description": "First day, in UTC (included)."}
    )
    date_to = fields.Date(data_key="to", metadata={"description": "Last day, in UTC (included)."})
    cursor = fields.String(validate=validate.Length(max=500))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, audit_log.MAX_PAGE))


class AuditEntrySchema(Schema):
    id = fields.Integer(required=True)
    created_at = fields.DateTime(required=True, metadata={"description": "UTC."})
    actor_id = fields.Integer(allow_none=True, required=True)
    actor_name = fields.String(
        allow_none=True,
        required=True,
        metadata={
            "description": "The acting account's username; for an entry with no account "
            "(a sign-in as an unknown username), the name given."
        },
    )
    ledger_user_id = fields.Integer(allow_none=True, required=True)
    action = fields.String(required=True, metadata={"example": "auth.login"})
    outcome = fields.String(required=True, metadata={"example": "success"})
    ip_address = fields.String(allow_none=True, required=True)
    details = fields.Dict(
        allow_none=True,
        required=True,
        metadata={"description": "What else the entry records; secrets read `[redacted]`."},
    )


class AuditPage(Schema):
    items = fields.List(fields.Nested(AuditEntrySchema), required=True)
    next_cursor = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Pass as `cursor` for the next (older) page."},
    )
    previous_cursor = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Pass as `cursor` for the page before (newer than) this one."},
    )


@blp.get("/audit-logs")
@admin_documented(blp)
@blp.arguments(AuditQuery, location="query")
@blp.response(200, AuditPage)
def list_audit_logs(args):
    """The audit log, newest first, filtered; follow `next_cursor` for older entries and
    `previous_cursor` back."""
    criteria = AuditFilter(
        actor_id=args.get("actor_id"),
        ledger_user_id=args.get("ledger_id"),
        action=args.get("action"),
        outcome=args.get("outcome"),
        date_from=args.get("date_from"),
        date_to=args.get("date_to"),
    )
    try:
        page = audit_log.page(db.session, criteria, cursor=args.get("cursor"), limit=args["limit"])
    except ValidationError as exc:
        raise ValidationError({_PARAMETERS.get(k, k): v for k, v in exc.fields.items()}) from None
    return {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "previous_cursor": page.previous_cursor,
    }
