"""API bodies for household sharing: the ledgers a person may act in, a ledger's members."""

from __future__ import annotations

from marshmallow import Schema, fields

from homeledger.api.schemas import AsSentNumber, AsSentText
from homeledger.models.sharing import MEMBER_ROLES
from homeledger.services.sharing import MAX_MEMBERS, ROLES

_ROLE = (
    "`owner`: everything, and only the owner manages members, exports, deletes all data "
    "and restores; `editor`: adds and changes transactions, imports, budgets, bills, "
    "debts, goals (and the ledger's categories, owners, rules, import mappings); "
    "`viewer`: reads every list and dashboard, changes nothing."
)
_MEMBER_ROLE = "`editor` (writes) or `viewer` (reads only); `owner` is not given away."
_OWNER_ID = (
    "The household owner (GET /api/v1/owners) who is this person in this ledger: their "
    "`mine=true` means this owner's rows. `null`: none."
)


class LedgerSchema(Schema):
    id = fields.Integer(
        required=True,
        metadata={"description": "Send it as `X-Ledger-Id` to act in this ledger."},
    )
    owner = fields.String(required=True, metadata={"description": "The owner's username."})
    owner_name = fields.String(
        required=True, metadata={"description": "The owner's display name, else username."}
    )
    role = fields.String(
        required=True, metadata={"enum": list(ROLES), "description": f"Yours here. {_ROLE}"}
    )
    title = fields.String(
        required=True, metadata={"example": "Sam's ledger", "description": "For a menu."}
    )


class MemberSchema(Schema):
    user_id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.String(required=True, allow_none=True)
    role = fields.String(required=True, metadata={"enum": list(ROLES), "description": _ROLE})
    owner_id = fields.Integer(required=True, allow_none=True, metadata={"description": _OWNER_ID})
    owner_name = fields.String(
        required=True, allow_none=True, metadata={"description": "That owner's name."}
    )
    added_at = fields.DateTime(
        required=True,
        allow_none=True,
        metadata={"description": "When they were given access; null for the owner."},
    )


class NewMemberSchema(Schema):
    """Both fields go to the check as sent, so one answer names every bad one."""

    username = AsSentText(
        required=True,
        metadata={
            "description": "An existing, active account other than yours, not a member "
            f"yet. A ledger is shared with at most {MAX_MEMBERS} people.",
            "example": "sam",
        },
    )
    role = AsSentText(
        required=True, metadata={"enum": list(MEMBER_ROLES), "description": _MEMBER_ROLE}
    )


class MemberPatchSchema(Schema):
    """Either field or both; the owner's own entry takes `owner_id` only."""

    role = AsSentText(metadata={"enum": list(MEMBER_ROLES), "description": _MEMBER_ROLE})
    owner_id = AsSentNumber(allow_none=True, metadata={"description": _OWNER_ID})
