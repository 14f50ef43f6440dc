"""Household sharing over the API: the ledgers the caller may act in, and a ledger's members.

A ledger's id is the value of the ``X-Ledger-Id`` header that chooses it. The members
endpoints act in the ledger the header chooses; only its owner manages them. Listing
ledgers and leaving one are about the caller, whatever the header says.
"""

from __future__ import annotations

from flask import request
from flask_jwt_extended import current_user
from flask_smorest import Blueprint

from homeledger.api.security import documented, own_documented
from homeledger.api.sharing_schemas import (
    LedgerSchema,
    MemberPatchSchema,
    MemberSchema,
    NewMemberSchema,
)
from homeledger.extensions import db
from homeledger.services import sharing

blp = Blueprint(
    "api_sharing",
    __name__,
    description="Household sharing: a ledger's owner shares it with other people as "
    "`editor` (adds and changes what is in it) or `viewer` (reads it). A request acts in "
    "the ledger `X-Ledger-Id` names (default: the caller's own). Everything under "
    "/api/v1/me acts on the caller's own ledger, whatever the header says.",
)


@blp.get("/ledgers")
@own_documented(blp)
@blp.response(200, LedgerSchema(many=True))
def list_ledgers():
    """The ledgers you may act in, with your role in each: your own first (`owner`), then
    those shared with you, by their owner's name. `X-Ledger-Id` does not matter here."""
    return sharing.ledgers(db.session, current_user)


@blp.post("/ledgers/<int:ledger_id>/leave")
@own_documented(blp)
@blp.response(204)
def leave(ledger_id):
    """Give up your access to a ledger shared with you; it no longer answers your
    `X-Ledger-Id`. Your own ledger cannot be left (422 on `ledger`). Audited."""
    sharing.leave(db.session, current_user, ledger_id, ip_address=request.remote_addr)
    db.session.commit()


@blp.get("/ledger/members")
@documented(blp)
@blp.response(200, MemberSchema(many=True))
def list_members():
    """Who may use the chosen ledger: its owner first, then its members by name, each
    with the household owner who is them. Any role may read it."""
    return sharing.members(db.session)


@blp.post("/ledger/members")
@documented(blp)
@blp.arguments(NewMemberSchema)
@blp.response(201, MemberSchema)
def add_member(body):
    """Share the chosen ledger with another account, as `editor` or `viewer`. Its owner
    only: a viewer gets 403 `read_only`, an editor 403 `owner_required`. Audited."""
    username, role = body.get("username"), body.get("role")
    added = sharing.add_member(db.session, username, role, ip_address=request.remote_addr)
    db.session.commit()
    return added


@blp.patch("/ledger/members/<int:user_id>")
@documented(blp)
@blp.arguments(MemberPatchSchema)
@blp.response(200, MemberSchema)
def change_member(body, user_id):
    """Change a member's `role`, and/or link them to one of the household's owners
    (`owner_id`; `null` unlinks). The owner's own entry takes `owner_id` only. Owner only,
    as adding. Audited when something changes."""
    changed = sharing.change_member(db.session, user_id, **body, ip_address=request.remote_addr)
    db.session.commit()
    return changed


@blp.delete("/ledger/members/<int:user_id>")
@documented(blp)
@blp.response(204)
def remove_member(user_id):
    """Take a member's access away: their next request with this ledger's `X-Ledger-Id`,
    on any device, answers 404. What they entered stays. Owner only, as adding. Audited."""
    sharing.remove_member(db.session, user_id, ip_address=request.remote_addr)
    db.session.commit()
