"""Keyset page cursors: a position in a sorted listing (sort key, id) and which way to read.

A cursor is opaque to clients: base64 of JSON. It says "the rows after this
position" (the next page) or "the rows before it" (the previous page), so a
listing pages both ways without counting or offsets.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import Session

from homeledger.models.base import MAX_ID
from homeledger.services.amounts import is_plausible_amount
from homeledger.services.errors import ValidationError

AFTER, BEFORE = "after", "before"


KINDS = ("date", "amount", "time")


def encode(
    sort: str, kind: str, value: date | datetime | Decimal, row_id: int, way: str = AFTER
) -> str:
    """The cursor of a position; ``kind`` is "date", "amount" or "time" (an aware timestamp)."""
    text = str(value) if kind == "amount" else value.isoformat()
    parts = [sort, text, row_id] if way == AFTER else [sort, text, row_id, BEFORE]
    raw = json.dumps(parts).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _key(kind: str, text: str) -> date | datetime | Decimal:
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "time":
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError("a cursor's timestamp carries its offset")
        return moment.astimezone(UTC)
    return Decimal(text)


def decode(sort: str, kind: str, cursor: str) -> tuple[date | datetime | Decimal, int, str]:
    """(sort key, id, way) of a cursor made by ``encode`` for this sort; ValidationError else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
        if not isinstance(parts, list) or len(parts) not in (3, 4):
            raise ValueError
        cursor_sort, value, row_id = parts[:3]
        way = parts[3] if len(parts) == 4 else AFTER
        # JSON true is a Python int too; PostgreSQL refuses comparing it with an id.
        whole = isinstance(row_id, int) and not isinstance(row_id, bool)
        if (
            cursor_sort != sort
            or not whole
            or not isinstance(value, str)
            or way not in (AFTER, BEFORE)
        ):
            raise ValueError
        key = _key(kind, value)
        if not 0 < row_id <= MAX_ID or (isinstance(key, Decimal) and not is_plausible_amount(key)):
            raise ValueError
    except (
        ValueError,
        TypeError,
        binascii.Error,
        InvalidOperation,
        UnicodeDecodeError,
        OverflowError,
    ):
        raise ValidationError({"cursor": "is not a cursor from this listing"}) from None
    return key, row_id, way


@dataclass(frozen=True)
class Order:
    """A listing's order: the sort's name, its column's kind (see ``KINDS``), which way."""

    sort: str
    kind: str
    column: Any
    descending: bool


def _beyond(order: Order, id_column, key: tuple, way: str):
    """The condition "lies after (or before) position ``key``" in this order."""
    position = tuple_(order.column, id_column)
    later = order.descending != (way == BEFORE)
    return position < key if later else position > key


def read(
    session: Session, query: Select, order: Order, id_column, cursor: str | None, limit: int
) -> tuple[list, str | None, str | None]:
    """(rows, next cursor, previous cursor) of one page of ``query`` in ``order``.

    A page read backwards is read in the opposite order from the cursor, then turned
    round. Whether anything lies beyond the far end costs one more index probe.
    """
    way, base = AFTER, query
    if cursor:
        key, row_id, way = decode(order.sort, order.kind, cursor)
        query = query.where(_beyond(order, id_column, (key, row_id), way))
    backwards = order.descending != (way == BEFORE)
    ordering = (order.column.desc(), id_column.desc()) if backwards else (order.column, id_column)
    rows = list(session.scalars(query.order_by(*ordering).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    if way == BEFORE:
        rows.reverse()
    if not rows:
        return rows, None, None

    def position(row) -> tuple:
        return getattr(row, order.column.key), row.id

    def any_beyond(row, towards: str) -> bool:
        probe = base.where(_beyond(order, id_column, position(row), towards))
        return session.scalar(probe.with_only_columns(id_column).limit(1)) is not None

    if way == BEFORE:
        more_before, more_after = more, any_beyond(rows[-1], AFTER)
    else:
        more_before, more_after = bool(cursor) and any_beyond(rows[0], BEFORE), more
    return (
        rows,
        encode(order.sort, order.kind, *position(rows[-1])) if more_after else None,
        encode(order.sort, order.kind, *position(rows[0]), BEFORE) if more_before else None,
    )
