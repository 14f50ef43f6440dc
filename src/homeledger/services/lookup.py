"""Fetching a row by a client-supplied id."""

from __future__ import annotations

from sqlalchemy.orm import Session

from homeledger.models.base import MAX_ID


def fetch(session: Session, model, row_id: object, *, lock: bool = False):
    """The row with this id in the acting ledger, or None; with ``lock``, held until the
    transaction ends so that a read-modify-write (a running balance) cannot lose an update.

    An id no INTEGER column can hold (a client can send any number) is simply
    not found, instead of an overflow error from the database.
    """
    if isinstance(row_id, bool) or not isinstance(row_id, int) or not 0 < row_id <= MAX_ID:
        return None
    return session.get(model, row_id, with_for_update=lock or None)
